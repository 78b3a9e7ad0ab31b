// The station map, in the console and on the workers' phone page: markers on configured tiles
// when Leaflet and the tiles load, and always the same stations as a list; "near me" lists
// the nearest from the public search (at once on load when the script has data-auto).
(function () {
  "use strict";
  var script = document.currentScript;
  var mapBox = document.getElementById("map");
  var note = document.getElementById("map-note");
  var list = document.getElementById("station-list");
  var config = JSON.parse(mapBox.dataset.config);
  var markers = JSON.parse(document.getElementById("station-markers").textContent);
  var facility = document.getElementById("facility");
  var openNow = document.getElementById("open-now");
  var here = null;
  var map = null;
  var layer = null;
  var asked = 0;  // searches asked so far: an answer to an older one is dropped

  function say(text) { note.textContent = text; }

  // The phone page's filters only narrow the search; the form is never sent.
  var nearForm = document.getElementById("near-form");
  if (nearForm) { nearForm.addEventListener("submit", function (event) { event.preventDefault(); }); }

  // Markers must be in the tiles' own system (config.crs); the search is asked for it.
  function drawMap(points) {
    if (!window.L || !points.length) { if (!map) { mapBox.hidden = true; } return; }
    mapBox.hidden = false;
    if (!map) {
      map = L.map(mapBox, { zoomControl: true });
      if (config.tiles) {
        L.tileLayer(config.tiles, { maxZoom: 18 })
          .on("tileerror", function () { say("地图底图无法加载，驿站见下方列表。"); })
          .addTo(map);
      }
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    var bounds = points.map(function (m) {
      var mark = L.circleMarker([m.lat, m.lng], { radius: 6 }).addTo(layer);
      mark.bindPopup(m.name + (m.facilities.length ? "：" + m.facilities.join("、") : ""));
      return [m.lat, m.lng];
    });
    map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
  }

  function metres(d) { return d < 1000 ? Math.round(d) + " 米" : (d / 1000).toFixed(1) + " 公里"; }

  function showNearest(rows) {
    list.innerHTML = "";
    if (!rows.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = "附近没有符合条件的驿站";
      list.appendChild(none);
    }
    rows.forEach(function (r) {
      var li = document.createElement("li");
      li.dataset.station = r.id;
      li.dataset.distance = r.distance_m;
      var a = document.createElement("a");
      a.href = script.dataset.detail.replace("/0/", "/" + r.id + "/");
      a.textContent = r.name;
      var info = document.createElement("span");
      info.className = "muted";
      info.textContent = " " + metres(r.distance_m) + (r.open_now ? " · 开放中" : " · 未开放") +
        (r.facilities.length ? " · " + r.facilities.join("、") : "") +
        (r.kinds && r.kinds.length ? " · " + r.kinds.join("、") : "");
      li.appendChild(a);
      li.appendChild(info);
      list.appendChild(li);
    });
  }

  function searchNear() {
    var query = new URLSearchParams({
      lat: here.latitude, lng: here.longitude, coord: "wgs84", out: config.crs, k: 10
    });
    if (facility.value) { query.set("facility", facility.value); }
    if (openNow && openNow.checked) { query.set("open_now", "1"); }
    var mine = ++asked;
    fetch(script.dataset.nearest + "?" + query.toString())
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (res) {
        if (mine !== asked) { return; }
        if (!res[0]) { say(res[1].message || "查询失败"); return; }
        say("离您最近的驿站（按直线距离）：");
        showNearest(res[1]);
        try { drawMap(res[1]); } catch (e) { mapBox.hidden = true; }
      })
      .catch(function () { if (mine === asked) { say("网络不可用，请稍后再试"); } });
  }

  function locate() {
    if (!navigator.geolocation) { say("浏览器不支持定位"); return; }
    say("正在定位……");
    navigator.geolocation.getCurrentPosition(
      function (pos) { here = pos.coords; searchNear(); },
      function () { say("无法获取您的位置，请允许定位后重试"); }
    );
  }

  document.getElementById("near-me").addEventListener("click", locate);
  [facility, openNow].forEach(function (input) {
    if (input) { input.addEventListener("change", function () { if (here) { searchNear(); } }); }
  });

  try { drawMap(markers); } catch (e) { mapBox.hidden = true; say("地图无法显示，驿站见下方列表。"); }
  if (script.dataset.auto) { locate(); }
})();
