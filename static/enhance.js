/* Small enhancements; every page works without them.
   - an error summary gets the focus, so a screen reader reads what to fix first;
   - "Change search" moves the focus into the search it opens;
   - [data-copy]: a Copy button next to a link people share (the link stays selectable without it);
   - [data-listen]: a Listen button that reads the page aloud with the browser's own speech
     synthesis, shown only where the browser has a voice for the page's language;
   - [data-print]: a Print button. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }

  document.querySelectorAll("details.search-summary").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) {
        var first = details.querySelector("input[type=search], input[type=text]");
        if (first) { first.focus(); }
      }
    });
  });

  document.querySelectorAll("[data-copy]").forEach(function (field) {
    if (!navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = field.dataset.copyLabel || "Copy";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "copy-status";
    field.insertAdjacentElement("afterend", status);
    field.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      var text = field.value !== undefined ? field.value : field.textContent;
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = field.dataset.copiedLabel || "";
      }, function () {
        if (field.select) { field.select(); }
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var listen = document.querySelector("[data-listen]");
  if (listen && "speechSynthesis" in window) {
    var lang = (document.documentElement.lang || "en").toLowerCase();
    var base = lang.split("-")[0];
    var pick = function () {
      var voices = window.speechSynthesis.getVoices();
      for (var i = 0; i < voices.length; i++) {
        var v = (voices[i].lang || "").toLowerCase().replace("_", "-");
        if (v === lang || v.split("-")[0] === base) { return voices[i]; }
      }
      return null;
    };
    var show = function () {
      var voice = pick();
      listen.hidden = !voice;
      return voice;
    };
    show();
    window.speechSynthesis.addEventListener("voiceschanged", show);
    listen.addEventListener("click", function () {
      var voice = show();
      if (!voice) { return; }
      if (window.speechSynthesis.speaking) { window.speechSynthesis.cancel(); return; }
      var target = document.querySelector(listen.dataset.listen) || document.querySelector("main");
      var utterance = new SpeechSynthesisUtterance(target.innerText);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      window.speechSynthesis.speak(utterance);
    });
  }
}());
