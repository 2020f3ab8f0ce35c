// Draws the dashboard's charts from the JSON blocks of the page (no inline script: the CSP allows 'self' only).
// No mode bar: its buttons need plotly's injected styles, which the CSP (style-src 'self') blocks.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(div, figure.data, figure.layout, {displaylogo: false, displayModeBar: false, responsive: true});
  });
});
