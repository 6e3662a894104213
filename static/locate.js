/* "Use my location": fills the search form with the browser's coordinates and submits it.
   An enhancement only; coordinates go into this one search URL (rounded) and are never stored. */
(function () {
  "use strict";
  if (!("geolocation" in navigator)) { return; }
  document.querySelectorAll("form.search").forEach(function (form) {
    var postcode = form.querySelector("[name=postcode]");
    if (!postcode) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "locate";
    button.textContent = form.dataset.locateLabel || "Use my location";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    postcode.parentNode.appendChild(button);
    postcode.parentNode.appendChild(status);
    button.addEventListener("click", function () {
      status.textContent = form.dataset.locatingLabel || "";
      navigator.geolocation.getCurrentPosition(function (position) {
        ["lat", "lon"].forEach(function (name) {
          var input = form.querySelector("input[name=" + name + "]") || document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = (name === "lat" ? position.coords.latitude : position.coords.longitude).toFixed(3);
          form.appendChild(input);
        });
        postcode.value = "";
        form.submit();
      }, function () {
        status.textContent = form.dataset.locateFailedLabel || "";
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
  });
})();
