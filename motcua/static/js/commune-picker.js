/*
 * The commune picker, made searchable. A list of 167 options that all start with "Phường" or
 * "Xã" cannot be reached by typing "Hoàn Kiếm" into a plain <select>; this adds a filter box
 * above it that matches the name with or without diacritics ("hoan kiem", "Hoàn Kiếm",
 * "phuong hoan kiem"), keeps only the matching options and chooses the first one.
 *
 * Progressive enhancement: the <select> stays the form's control (it is what is submitted, and
 * without JavaScript it works as before). Enhanced: every select[data-commune-picker] and every
 * select[name="xa"]. The texts come translated from the script tag (base.html):
 *
 *   <script src="…/commune-picker.js" data-label="…" data-hint="…" data-none="…"
 *           data-one="… {n} …" data-many="… {n} …" defer></script>
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var text = (script && script.dataset) || {};

  function fold(value) {
    return value
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  function countText(n) {
    if (n === 0) return text.none || "0";
    return (n === 1 ? text.one : text.many || "{n}").replace("{n}", String(n));
  }

  function enhance(select, index) {
    if (select.dataset.communePickerReady) return;
    select.dataset.communePickerReady = "1";
    // The options as the server sent them: [{group label or null, option element, folded text}].
    var entries = [];
    var placeholder = null;
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        Array.prototype.forEach.call(child.children, function (option) {
          entries.push({ group: child.label, option: option, key: fold(option.text) });
        });
      } else if (child.value === "") {
        placeholder = child;
      } else {
        entries.push({ group: null, option: child, key: fold(child.text) });
      }
    });
    if (entries.length < 8) return; // a short list needs no filter

    var id = (select.id || "commune-picker-" + index) + "-filter";
    var wrapper = document.createElement("div");
    wrapper.className = "mc-commune-filter";
    var label = document.createElement("label");
    label.className = "mc-label mc-label--s";
    label.htmlFor = id;
    label.textContent = text.label || "";
    var hint = document.createElement("div");
    hint.className = "mc-hint";
    hint.id = id + "-hint";
    hint.textContent = text.hint || "";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "mc-input mc-input--width-20";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("aria-describedby", hint.id);
    input.setAttribute("aria-controls", select.id || "");
    var status = document.createElement("p");
    status.className = "mc-body-s mc-commune-filter__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(hint);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);

    function rebuild(words) {
      var chosen = select.value;
      var shown = entries.filter(function (entry) {
        var padded = " " + entry.key + " ";
        return words.every(function (word) {
          return padded.indexOf(" " + word) !== -1;
        });
      });
      while (select.firstChild) select.removeChild(select.firstChild);
      if (placeholder && !words.length) select.appendChild(placeholder);
      var group = null;
      var groupLabel;
      shown.forEach(function (entry) {
        if (entry.group === null) {
          group = null;
          select.appendChild(entry.option);
          return;
        }
        if (group === null || groupLabel !== entry.group) {
          group = document.createElement("optgroup");
          group.label = groupLabel = entry.group;
          select.appendChild(group);
        }
        group.appendChild(entry.option);
      });
      if (!words.length) {
        select.value = chosen;
        status.textContent = "";
        return;
      }
      var stillThere = shown.some(function (entry) {
        return entry.option.value === chosen;
      });
      if (!stillThere && shown.length) select.value = shown[0].option.value;
      status.textContent = countText(shown.length);
    }

    var pending = null;
    // A form sent right after typing (faster than the pause below) still gets the match.
    if (select.form) {
      select.form.addEventListener("submit", function () {
        if (pending === null) return;
        clearTimeout(pending);
        pending = null;
        rebuild(fold(input.value).split(" ").filter(Boolean));
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        pending = null;
        rebuild(fold(input.value).split(" ").filter(Boolean));
      }, 150);
    });
    // Enter in the filter box must not submit a half-chosen form; it moves on to the list.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(pending);
        pending = null;
        rebuild(fold(input.value).split(" ").filter(Boolean));
        select.focus();
      }
    });
  }

  function enhanceAll() {
    document
      .querySelectorAll('select[data-commune-picker], select[name="xa"]')
      .forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
