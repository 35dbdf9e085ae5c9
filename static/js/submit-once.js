// A form is sent once: while its request runs, its submit buttons are disabled (and say so with
// aria-disabled), for plain forms and for HTMX requests a form or button starts. The server refuses a
// duplicate anyway (cases/submissions.py); this spares the user the wait and the surprise.
(function () {
  "use strict";
  var RELEASE_AFTER_MS = 15000; // a download or a lost connection must not leave a form dead

  function buttons(form) {
    return form.querySelectorAll('button:not([type="button"]):not([type="reset"]), input[type="submit"]');
  }

  function hold(form) {
    form.setAttribute("aria-busy", "true");
    Array.prototype.forEach.call(buttons(form), function (button) {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
    });
    window.setTimeout(function () { release(form); }, RELEASE_AFTER_MS);
  }

  function release(form) {
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
    Array.prototype.forEach.call(buttons(form), function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") { return; }
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    // After this event the browser reads the form, the pressed button's name and value included; a
    // button disabled now would be left out.
    window.setTimeout(function () { hold(form); }, 0);
  });

  // Back to a page kept by the browser (bfcache): its forms can be sent again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), release);
  });

  function sendingForm(detail) {
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    var elt = detail.elt;
    var pressed = elt && (elt.tagName === "BUTTON" || elt.type === "submit");
    if (!pressed && !(trigger && trigger.type === "submit")) { return null; } // e.g. a draft autosaved
    return elt.tagName === "FORM" ? elt : elt.form || elt.closest("form");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = sendingForm(event.detail);
    if (form) { form.dataset.sending = "1"; hold(form); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = sendingForm(event.detail);
    if (form) { release(form); }
  });
})();
