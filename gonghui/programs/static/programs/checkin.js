/* The check-in page (programs/checkin.html): camera scanning where the browser has
   BarcodeDetector and a camera; typing (or a USB/Bluetooth scanner) always works. */
(function () {
  var supported = "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
  var scanner = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  var status = document.getElementById("scanner-status");
  var stream = null, timer = null;

  function showScanButton() {
    var button = document.getElementById("scan-button");
    var hint = document.getElementById("scan-unsupported");
    if (button) button.hidden = !supported;
    if (hint) hint.hidden = !!supported;
  }

  function stop() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.srcObject = null;
    scanner.hidden = true;
  }

  function found(text) {
    stop();
    var input = document.getElementById("id_token");
    var form = document.getElementById("checkin-form");
    if (!input || !form) return;
    input.value = text;
    form.requestSubmit();
  }

  function start() {
    var detector;
    try { detector = new BarcodeDetector({formats: ["qr_code"]}); }
    catch (e) { supported = false; showScanButton(); return; }
    scanner.hidden = false;
    status.textContent = "正在打开摄像头…";
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      })
      .then(function () {
        status.textContent = "请将工会卡二维码对准取景框";
        var tick = function () {
          if (!stream) return;
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue) { found(codes[0].rawValue); }
            else { timer = setTimeout(tick, 200); }
          }).catch(function () { timer = setTimeout(tick, 400); });
        };
        tick();
      })
      .catch(function () {
        stop();
        var input = document.getElementById("id_token");
        if (input) { input.focus(); }
        alert("无法打开摄像头，请手工输入二维码内容");
      });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("#scan-button")) { start(); }
    if (event.target.closest("#scanner-close")) {
      stop();
      var input = document.getElementById("id_token");
      if (input) input.focus();
    }
  });
  document.addEventListener("htmx:afterSwap", showScanButton);
  showScanButton();
})();
