/* The map of search results: an enhancement. The list beside it works without JavaScript. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  fetch(el.dataset.results, { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (body) {
      var bounds = [];
      body.results.forEach(function (course) {
        (course.venues || []).forEach(function (venue) {
          if (venue.latitude == null) { return; }
          var link = document.createElement("a");
          link.href = course.url;
          link.textContent = course.title;
          var popup = document.createElement("div");
          popup.appendChild(link);
          var where = document.createElement("div");
          where.textContent = venue.name;
          popup.appendChild(where);
          L.marker([venue.latitude, venue.longitude], { title: course.title, alt: course.title })
            .bindPopup(popup).addTo(map);
          bounds.push([venue.latitude, venue.longitude]);
        });
      });
      if (el.dataset.lat) { bounds.push([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)]); }
      if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 }); }
      else { map.setView([53.4084, -2.9916], 11); }
    })
    .catch(function () { el.hidden = true; });
})();
