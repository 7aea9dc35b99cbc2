/*
 * The tiled map: where the deployment sets MAP_TILES_URL, a page holds
 * <div data-map-tiles="URL" data-map-features="ID" data-map-attribution="..."> and a
 * <script type="application/json" id="ID"> with GeoJSON features (properties: name,
 * level, tooltip; optional url). This draws them with Leaflet (static/vendor/leaflet)
 * over the tiles, shows the div and hides the server-drawn SVG next to it (which stays
 * the map without JavaScript or without tiles). No inline script or style (CSP).
 */
(function () {
  "use strict";
  var COLOURS = { none: "#ffffff", ok: "#fee391", tight: "#ec7014", short: "#8c2d04", vacancy: "#1f5f4a" };

  function style(feature) {
    var level = (feature.properties && feature.properties.level) || "none";
    return { color: "#1b1f1d", weight: 1, fillColor: COLOURS[level] || COLOURS.none, fillOpacity: 0.75 };
  }

  function init(el) {
    if (!window.L) return;
    var source = document.getElementById(el.getAttribute("data-map-features"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer(el.getAttribute("data-map-tiles"), {
      maxZoom: 18,
      attribution: el.getAttribute("data-map-attribution") || ""
    }).addTo(map);
    var layer = L.geoJSON(data, {
      style: style,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({ radius: 8 }, style(feature)));
      },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties || {};
        var text = document.createElement("span");
        text.textContent = p.tooltip || p.name || "";
        if (p.url) {
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name || "";
          var box = document.createElement("span");
          box.appendChild(link);
          box.appendChild(document.createElement("br"));
          box.appendChild(text);
          lyr.bindPopup(box);
        } else {
          lyr.bindTooltip(text);
        }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 15 });
    } else {
      map.setView([52.0, 5.9], 10);
    }
    var svg = document.getElementById(el.getAttribute("data-map-svg"));
    if (svg) svg.style.display = "none";
    el.setAttribute("data-map-ready", "1");
  }

  function start() {
    var maps = document.querySelectorAll("[data-map-tiles]");
    for (var i = 0; i < maps.length; i++) init(maps[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
