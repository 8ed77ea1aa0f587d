/*
 * The waiting-room screen (queueing/display.html). No library.
 *
 * Every second it asks the board for news with ?v=<version it has>; the server answers 204 when
 * nothing changed, so a quiet room costs almost nothing. On a change it redraws the counters,
 * the recent calls and the waiting count, flashes each counter that has just called a number,
 * and reads the call out ("Mời số 0 0 1 2 đến quầy số 3") where the browser can speak.
 *
 * Browsers only speak after a person has touched the page, so speech waits for the "Bật đọc số"
 * button; the choice is kept in localStorage. Without speechSynthesis the button never shows.
 * Every word shown or spoken comes from data-* attributes of #queue-display (translated there).
 */
(function () {
  "use strict";

  var root = document.getElementById("queue-display");
  if (!root || !window.fetch || !window.JSON) return;

  var POLL_MS = 1000;
  var MAX_BACKOFF_MS = 10000;
  var OFFLINE_AFTER = 5; // failed polls in a row before the screen says it lost the server
  var FLASH_MS = 10000;
  var VOICE_KEY = "motcua.queue-display.voice";
  var TIME_ZONE = "Asia/Ho_Chi_Minh";

  var words = root.dataset;
  var version = words.version;
  var seen = callKeys(readJSON("queue-board"));
  var failures = 0;

  // ------------------------------------------------------------------ polling

  function poll() {
    var url = words.boardUrl + "?v=" + encodeURIComponent(version || "");
    fetch(url, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 204) return null;
        if (!response.ok) throw new Error("board " + response.status);
        return response.json();
      })
      .then(function (board) {
        failures = 0;
        setStatus("");
        if (board) apply(board);
        setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        failures += 1;
        if (failures >= OFFLINE_AFTER) setStatus(words.offline);
        setTimeout(poll, Math.min(POLL_MS * failures, MAX_BACKOFF_MS));
      });
  }

  function apply(board) {
    version = board.version;
    drawCounters(board.counters);
    drawRecent(board.recent);
    drawNext(board.next || []);
    document.getElementById("tv-waiting").textContent = board.waiting;
    var keys = callKeys(board);
    board.counters.forEach(function (counter) {
      var key = keys[counter.number];
      if (counter.state === "called" && key !== seen[counter.number]) {
        var previous = seen[counter.number] || "";
        var recall = counter.recalls > 0 && previous.split("|")[0] === counter.ticket;
        flash(counter.number);
        announce(counter, recall);
      }
    });
    seen = keys;
  }

  // A call is a ticket at a counter at a moment; a recall changes the moment (and the count).
  function callKeys(board) {
    var keys = {};
    (board && board.counters ? board.counters : []).forEach(function (c) {
      keys[c.number] = c.ticket ? [c.ticket, c.called_at, c.recalls].join("|") : "";
    });
    return keys;
  }

  // ------------------------------------------------------------------ drawing

  function drawCounters(counters) {
    var list = document.getElementById("tv-counters");
    var rows = list.querySelectorAll("[data-counter]");
    var same = rows.length === counters.length;
    for (var i = 0; same && i < rows.length; i++) {
      same = rows[i].dataset.counter === String(counters[i].number);
    }
    if (!same) {
      // A counter was opened or closed: build the rows again from the page's template.
      list.textContent = "";
      counters.forEach(function () {
        list.appendChild(fromTemplate("tv-counter-template"));
      });
      rows = list.querySelectorAll("li");
      root.style.setProperty("--rows", Math.max(counters.length, 1));
    }
    counters.forEach(function (c, index) {
      fillCounter(rows[index], c);
    });
  }

  function fillCounter(row, c) {
    row.dataset.counter = c.number;
    row.setAttribute("data-testid", "counter-" + c.number);
    part(row, "name").textContent = fill(words.counterLabel, { counter: c.number });
    part(row, "desc").textContent = c.name || "";
    var ticket = part(row, "ticket");
    ticket.textContent = c.ticket || "—";
    ticket.setAttribute("data-testid", "counter-" + c.number + "-ticket");
    part(row, "state").textContent =
      c.state === "called" ? words.stateCalled : c.state === "serving" ? words.stateServing : words.stateIdle;
    row.classList.toggle("is-called", c.state === "called");
    row.classList.toggle("is-idle", !c.ticket);
    if (!c.ticket || c.state !== "called") row.classList.remove("is-new");
  }

  function drawRecent(calls) {
    var list = document.getElementById("tv-recent");
    list.textContent = "";
    if (!calls.length) {
      list.appendChild(fromTemplate("tv-call-none-template"));
      return;
    }
    calls.forEach(function (call) {
      var item = fromTemplate("tv-call-template");
      part(item, "ticket").textContent = call.ticket;
      part(item, "counter").textContent = fill(words.counterLabel, { counter: call.counter });
      list.appendChild(item);
    });
  }

  function drawNext(numbers) {
    var list = document.getElementById("tv-next");
    list.textContent = "";
    if (!numbers.length) {
      var none = document.createElement("li");
      none.className = "mc-tv__call--none";
      none.textContent = words.nextNone;
      list.appendChild(none);
      return;
    }
    numbers.forEach(function (number) {
      var item = document.createElement("li");
      item.textContent = number;
      list.appendChild(item);
    });
  }

  function flash(number) {
    var row = document.querySelector('#tv-counters [data-counter="' + number + '"]');
    if (!row) return;
    row.classList.remove("is-new");
    void row.offsetWidth; // restart the animation when the same counter calls again
    row.classList.add("is-new");
    clearTimeout(row._flashTimer);
    row._flashTimer = setTimeout(function () {
      row.classList.remove("is-new");
    }, FLASH_MS);
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function part(element, name) {
    return element.querySelector('[data-part="' + name + '"]');
  }

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function setStatus(text) {
    var status = document.getElementById("tv-status");
    if (status.textContent !== text) status.textContent = text;
  }

  function readJSON(id) {
    var element = document.getElementById(id);
    try {
      return element ? JSON.parse(element.textContent) : null;
    } catch (error) {
      return null;
    }
  }

  // ------------------------------------------------------------------ voice

  var synth = window.speechSynthesis;
  var canSpeak = !!(synth && window.SpeechSynthesisUtterance);
  var onButton = document.getElementById("tv-voice");
  var offButton = document.getElementById("tv-voice-off");
  var blocked = false; // the browser refused to speak: it wants a touch first

  function voiceWanted() {
    try {
      return window.localStorage.getItem(VOICE_KEY) === "on";
    } catch (error) {
      return false;
    }
  }

  function rememberVoice(on) {
    try {
      if (on) window.localStorage.setItem(VOICE_KEY, "on");
      else window.localStorage.removeItem(VOICE_KEY);
    } catch (error) {
      /* private mode: the choice lasts until the page reloads */
    }
  }

  function showVoiceButtons() {
    if (!canSpeak) return;
    var on = voiceWanted() && !blocked;
    onButton.hidden = on;
    offButton.hidden = !on;
  }

  function chooseVoice(lang) {
    var voices = synth.getVoices() || [];
    var prefix = lang.slice(0, 2).toLowerCase();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.replace("_", "-").toLowerCase() === lang.toLowerCase()) {
        return voices[i];
      }
    }
    for (var j = 0; j < voices.length; j++) {
      if (voices[j].lang && voices[j].lang.slice(0, 2).toLowerCase() === prefix) return voices[j];
    }
    return null;
  }

  function speak(text) {
    if (!canSpeak || !voiceWanted()) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = words.speechLang || "vi-VN";
    var voice = chooseVoice(utterance.lang);
    if (voice) utterance.voice = voice;
    utterance.rate = 0.9;
    utterance.onerror = function (event) {
      if (event.error === "not-allowed") {
        blocked = true;
        showVoiceButtons();
      }
    };
    synth.speak(utterance); // the browser queues utterances, so calls are read one after another
  }

  // "0012" is read digit by digit ("không không một hai"), so no one mishears the number.
  function spell(number) {
    return String(number).split("").join(" ");
  }

  function announce(counter, recall) {
    var template = recall ? words.sayRecall : words.sayCall;
    document.getElementById("tv-live").textContent = fill(template, {
      number: counter.ticket,
      counter: counter.number,
    });
    speak(fill(template, { number: spell(counter.ticket), counter: counter.number }));
  }

  if (canSpeak) {
    onButton.addEventListener("click", function () {
      rememberVoice(true);
      blocked = false;
      synth.cancel();
      speak(words.sayEnabled); // spoken inside the click, which is what unlocks speech
      showVoiceButtons();
    });
    offButton.addEventListener("click", function () {
      rememberVoice(false);
      synth.cancel();
      showVoiceButtons();
    });
    // Any touch of a screen that already chose voice unlocks it again after a reload.
    document.addEventListener(
      "pointerdown",
      function () {
        if (voiceWanted() && blocked) {
          blocked = false;
          showVoiceButtons();
        }
      },
      true
    );
    synth.getVoices(); // some browsers load the voice list only when first asked
    showVoiceButtons();
  }

  // ------------------------------------------------------------------ clock

  var clock = document.getElementById("tv-clock");
  var date = document.getElementById("tv-date");
  var timeFormat, dateFormat;
  try {
    timeFormat = new Intl.DateTimeFormat("vi-VN", {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: TIME_ZONE,
    });
    dateFormat = new Intl.DateTimeFormat("vi-VN", {
      day: "2-digit", month: "2-digit", year: "numeric", timeZone: TIME_ZONE,
    });
  } catch (error) {
    timeFormat = dateFormat = null;
  }

  function tick() {
    if (timeFormat && clock) {
      var now = new Date();
      clock.textContent = timeFormat.format(now);
      if (date) date.textContent = dateFormat.format(now);
    }
  }

  // Size the numbers for the counters the server drew (a style attribute would break the
  // Content-Security-Policy); drawCounters keeps it right when counters open or close.
  var drawn = document.querySelectorAll("#tv-counters [data-counter]").length;
  root.style.setProperty("--rows", Math.max(drawn, 1));

  tick();
  setInterval(tick, 1000);
  setTimeout(poll, POLL_MS);
})();
