// Greenroom's small client behaviours. No inline scripts (strict CSP):
// everything hangs off data- attributes, and every page works without it.
(function () {
  "use strict";

  async function copyText(text, button) {
    try {
      await navigator.clipboard.writeText(text);
      flash(button, "Copied");
    } catch (e) {
      flash(button, "Copy failed: select and copy by hand");
    }
  }

  function flash(button, text) {
    var old = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", old);
    button.textContent = text;
    setTimeout(function () { button.textContent = old; }, 1500);
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-copy], [data-copy-from], [data-copy-link]");
    if (!b) return;
    ev.preventDefault();
    if (b.hasAttribute("data-copy-link")) return copyText(window.location.href, b);
    if (b.hasAttribute("data-copy")) return copyText(b.getAttribute("data-copy"), b);
    var src = document.getElementById(b.getAttribute("data-copy-from"));
    if (src) copyText(src.textContent.trim(), b);
  });

  // Relative times: "3 min ago", exact UTC in the title (set by the server).
  function rel(t) {
    var s = Math.round((Date.now() - Date.parse(t)) / 1000);
    var future = s < 0; s = Math.abs(s);
    var out = s < 45 ? s + " s" : s < 2700 ? Math.round(s / 60) + " min" : s < 129600 ? Math.round(s / 3600) + " h" : Math.round(s / 86400) + " d";
    return future ? "in " + out : out + " ago";
  }
  // The session page's rows are lean: their <time>s are relative too.
  function refreshTimes(root) {
    (root || document).querySelectorAll("time[data-relative], #rows time").forEach(function (el) {
      el.textContent = rel(el.getAttribute("datetime"));
    });
  }
  setInterval(refreshTimes, 30000);

  // Revealed stream keys leave the page by themselves after a while.
  function armHide(root) {
    (root || document).querySelectorAll("[data-hide-after]").forEach(function (el) {
      if (el.dataset.armed) return;
      el.dataset.armed = "1";
      var secs = parseInt(el.getAttribute("data-hide-after"), 10) || 60;
      var left = el.querySelector("[data-countdown]");
      var end = Date.now() + secs * 1000;
      var timer = setInterval(function () {
        var rest = Math.max(0, Math.round((end - Date.now()) / 1000));
        if (left) left.textContent = rest + " s";
        if (rest <= 0 || !document.body.contains(el)) { clearInterval(timer); hide(el); }
      }, 1000);
    });
  }
  function hide(el) {
    var tpl = document.getElementById(el.getAttribute("data-hidden-template"));
    if (!document.body.contains(el)) return;
    if (tpl) el.replaceWith(tpl.content.cloneNode(true));
    else el.remove();
    if (window.htmx) htmx.process(document.body);
  }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-hide-now]");
    if (!b) return;
    var el = b.closest("[data-hide-after]");
    if (el) { ev.preventDefault(); hide(el); }
  });

  // Attribute rows of the ingest form: add and remove without a round trip.
  document.addEventListener("click", function (ev) {
    var add = ev.target.closest("[data-add-row]");
    if (add) {
      ev.preventDefault();
      var tpl = document.getElementById(add.getAttribute("data-add-row"));
      var list = document.getElementById(add.getAttribute("data-into"));
      if (tpl && list) {
        var row = tpl.content.cloneNode(true);
        list.appendChild(row);
        var inputs = list.querySelectorAll("input");
        if (inputs.length) inputs[inputs.length - 2].focus();
      }
      return;
    }
    var rm = ev.target.closest("[data-remove-row]");
    if (rm) { ev.preventDefault(); rm.closest("[data-row]").remove(); }
  });

  function init(root) { refreshTimes(root); armHide(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (ev) { init(ev.target); });
})();

// --- browse (session page): the poller sends back the rows' snapshot
// (data-snap of the element named by data-snap-from) so the server can mark
// changed rows. (Row times: refreshTimes above; their exact title: the
// times block below.)
document.addEventListener("htmx:configRequest", function (ev) {
  var f = ev.detail.elt.getAttribute && ev.detail.elt.getAttribute("data-snap-from");
  var src = f && document.getElementById(f);
  if (src && src.dataset.snap) ev.detail.headers["X-Greenroom-Snapshot"] = src.dataset.snap;
});

// --- browse: exact times in UTC (as the server renders them) or in the
// browser's time zone, chosen with the header's Times button and
// remembered in this browser. Exact times are <time data-abs> text; every
// other <time> (relative) carries its exact time in its title.
(function () {
  "use strict";
  var KEY = "greenroom.times", zoneFmt, mem = false;
  function local() { try { return localStorage.getItem(KEY) === "local"; } catch (e) { return mem; } }
  function zone(d) {
    try {
      zoneFmt = zoneFmt || new Intl.DateTimeFormat(undefined, { timeZoneName: "short" });
      return zoneFmt.formatToParts(d).filter(function (x) { return x.type === "timeZoneName"; })[0].value;
    } catch (e) { return "local"; }
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function exact(iso, loc) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    if (!loc) return d.toISOString().slice(0, 19).replace("T", " ") + " UTC";
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
      two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) + " " + zone(d);
  }
  function apply() {
    var loc = local();
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      var s = exact(el.getAttribute("datetime"), loc);
      if (!s) return;
      if (el.hasAttribute("data-abs")) el.textContent = s;
      else el.title = s;
    });
    var b = document.querySelector("[data-tz]");
    if (b) {
      b.hidden = false;
      b.textContent = loc ? "Times: " + zone(new Date()) : "Times: UTC";
    }
  }
  document.addEventListener("click", function (ev) {
    if (!ev.target.closest("[data-tz]")) return;
    var next = !local();
    mem = next; // where storage is refused, the choice lasts for this page
    try { localStorage.setItem(KEY, next ? "local" : "utc"); } catch (e) { /* kept in mem */ }
    apply();
  });
  document.addEventListener("DOMContentLoaded", apply);
  document.addEventListener("htmx:afterSettle", apply);
})();

// --- browse (session page): the filter bar applies a chosen select at once
// (a user id waits for Apply); app.css shows the chosen filter's field.
document.addEventListener("change", function (ev) {
  var el = ev.target, form = el.form;
  if (!form || form.id !== "pfilter" || el.tagName !== "SELECT") return;
  if (el.value === "userId") return document.getElementById("f-user").focus();
  form.requestSubmit();
});

// --- ingest forms (and any form with an error summary): after a rejected
// submit the focus moves to the summary, #form-problem (tabindex=-1), so
// keyboard and screen reader users start at what went wrong: on load, and
// after htmx swaps a re-rendered form in (not after a poll elsewhere).
function greenroomFocusProblem(root) {
  var el = document.getElementById("form-problem");
  if (el && (root === document || root.contains(el))) el.focus();
}
document.addEventListener("DOMContentLoaded", function () { greenroomFocusProblem(document); });
document.addEventListener("htmx:afterSettle", function (ev) { greenroomFocusProblem(ev.target); });
