// Add and remove lines of a Django formset without a page reload.
// Markup: <div data-formset="PREFIX"> with a <template> holding one row whose names use __prefix__,
// rows marked [data-formset-row], a DELETE checkbox in each row, and a button [data-formset-add].
(function () {
  "use strict";

  function setup(container) {
    var prefix = container.dataset.formset;
    var total = container.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = container.querySelector("template");
    var list = container.querySelector("[data-formset-list]");
    var status = container.querySelector("[data-formset-status]");

    function announce(text) { if (status) { status.textContent = text; } }

    function bindRemove(row) {
      var button = row.querySelector("[data-formset-remove]");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var del = row.querySelector('input[name$="-DELETE"]');
        if (del) { del.checked = true; }
        row.hidden = true;
        announce(container.dataset.removedText || "Removed");
        var add = container.querySelector("[data-formset-add]");
        if (add) { add.focus(); }
      });
    }

    Array.prototype.forEach.call(list.querySelectorAll("[data-formset-row]"), bindRemove);

    container.querySelector("[data-formset-add]").addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      list.appendChild(row);
      total.value = String(index + 1);
      bindRemove(row);
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
      announce(container.dataset.addedText || "Added");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-formset]"), setup);
  });
})();
