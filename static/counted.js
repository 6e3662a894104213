// The results page marks its own address as counted (?counted=1), so that reloading it does not count
// the same search again in the anonymous demand counts. Nothing is stored in the browser.
(function () {
  if (!window.history || !history.replaceState || !window.URL) return;
  var url = new URL(window.location.href);
  if (url.pathname !== "/search" || url.searchParams.get("counted") === "1") return;
  url.searchParams.set("counted", "1");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
})();
