// The exam's countdown: shows the time left (from the server's count of seconds, not the phone's clock) and hands
// the paper in when it runs out. The server keeps its own deadline: it refuses answers saved after it.
(function () {
  var clock = document.getElementById("cx-countdown");
  var paper = document.getElementById("cx-paper");
  if (!clock || !paper) return;
  var ends = Date.now() + parseInt(clock.dataset.seconds, 10) * 1000;
  var sent = false;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    clock.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    if (left <= 0 && !sent) {
      sent = true;
      document.getElementById("cx-auto").value = "1";
      paper.submit();
      return;
    }
    if (!sent) window.setTimeout(tick, 250);
  }
  paper.addEventListener("submit", function () { sent = true; });
  tick();
})();
