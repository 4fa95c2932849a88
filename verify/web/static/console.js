// The reviewers' console: keyboard shortcuts, page-by-page viewer with zoom, copy buttons,
// the lease countdown. Plain JS, no build step; the pages work without it (forms are plain forms).
(function () {
  "use strict";

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  function shortcutForm(key) {
    return document.querySelector('form[data-shortcut="' + key + '"]');
  }

  // A: approve, R: reject. With a reason chosen the key submits; without one it moves to the reason box.
  function decide(form) {
    const reason = form.querySelector("select[name=reason_code]");
    if (reason && !reason.value) {
      form.classList.add("armed");
      reason.focus();
      return;
    }
    form.requestSubmit();
  }

  // --- the document viewer: one page at a time, zoom by CSS width ---------------------------
  const viewer = document.querySelector(".viewer");
  let page = 1;
  let zoom = 0; // 0 = fit width; otherwise a percentage of the page's natural width
  function pagesOf() { return viewer ? Array.from(viewer.querySelectorAll(".page")) : []; }
  function showPage(n) {
    const pages = pagesOf();
    if (!pages.length) return;
    page = Math.min(Math.max(1, n), pages.length);
    pages.forEach(function (el) { el.hidden = Number(el.dataset.page) !== page; });
    viewer.querySelector("[data-page-no]").textContent = String(page);
    applyZoom();
  }
  function applyZoom() {
    const label = viewer && viewer.querySelector("[data-zoom-level]");
    pagesOf().forEach(function (el) {
      if (el.tagName !== "IMG") return;
      el.style.width = zoom ? Math.round((el.naturalWidth || 1000) * zoom / 100) + "px" : "100%";
    });
    if (label) label.textContent = zoom ? zoom + "%" : "适合宽度";
  }
  function currentZoom() {
    if (zoom) return zoom;
    const img = pagesOf().find(function (el) { return !el.hidden && el.tagName === "IMG"; });
    return img && img.naturalWidth ? Math.round(img.clientWidth * 100 / img.naturalWidth) : 100;
  }
  function zoomBy(factor) { zoom = Math.min(400, Math.max(10, Math.round(currentZoom() * factor))); applyZoom(); }
  if (viewer) {
    viewer.querySelector("[data-page-prev]").addEventListener("click", function () { showPage(page - 1); });
    viewer.querySelector("[data-page-next]").addEventListener("click", function () { showPage(page + 1); });
    viewer.querySelector("[data-zoom-in]").addEventListener("click", function () { zoomBy(1.25); });
    viewer.querySelector("[data-zoom-out]").addEventListener("click", function () { zoomBy(0.8); });
    viewer.querySelector("[data-zoom-fit]").addEventListener("click", function () { zoom = 0; applyZoom(); });
    pagesOf().forEach(function (el) { el.addEventListener("load", applyZoom); });
  }

  // --- keyboard -------------------------------------------------------------------------------
  const help = document.getElementById("help");
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      if (help) help.hidden = true;
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key.toLowerCase();
    let form;
    if (key === "a" || key === "r") {
      form = shortcutForm(key);
      if (form) { event.preventDefault(); decide(form); }
    } else if (key === "c" || key === "n") {
      form = shortcutForm(key);
      if (form) { event.preventDefault(); form.requestSubmit(); }
    } else if (viewer && (key === "arrowleft" || key === "[")) { showPage(page - 1); }
    else if (viewer && (key === "arrowright" || key === "]")) { showPage(page + 1); }
    else if (viewer && (key === "+" || key === "=")) { zoomBy(1.25); }
    else if (viewer && key === "-") { zoomBy(0.8); }
    else if (viewer && key === "0") { zoom = 0; applyZoom(); }
    else if (key === "?" && help) { help.hidden = !help.hidden; }
  });
  document.querySelectorAll("[data-toggle-help]").forEach(function (button) {
    button.addEventListener("click", function () { if (help) help.hidden = !help.hidden; });
  });

  // A decision form is sent once: a double press or double click does not send it twice.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });

  // The chosen reason's default message shows as the placeholder of the message box.
  document.querySelectorAll("select[data-message-target]").forEach(function (select) {
    select.addEventListener("change", function () {
      const box = document.getElementById(select.dataset.messageTarget);
      const option = select.selectedOptions[0];
      if (box) box.placeholder = option ? (option.dataset.message || "") : "";
      select.form.classList.remove("armed");
    });
  });

  // Copy a look-up value to paste into the official site's form.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const done = function () { button.textContent = "已复制"; setTimeout(function () { button.textContent = "复制"; }, 1500); };
      if (navigator.clipboard) navigator.clipboard.writeText(button.dataset.copy).then(done, function () {});
    });
  });

  document.querySelectorAll("[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (history.length > 1) { event.preventDefault(); history.back(); }
    });
  });

  // The lease countdown; past zero the decision would be refused, so say so.
  const lease = document.querySelector("[data-lease-seconds]");
  if (lease) {
    const ends = Date.now() + Number(lease.dataset.leaseSeconds) * 1000;
    const left = lease.querySelector("[data-lease-left]");
    const tick = function () {
      const s = Math.max(0, Math.round((ends - Date.now()) / 1000));
      left.textContent = s ? Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0") : "已过期，请重新领取";
      lease.classList.toggle("expiring", s < 120);
      if (s) setTimeout(tick, 1000);
    };
    tick();
  }
})();
