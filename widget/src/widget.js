/*
 * Signposting assistant: embeddable web chat widget. No build step, no dependencies.
 *
 *   <script src="https://ASSISTANT/webhooks/web/widget.js" defer
 *           data-title="Find local support" data-colour="#005eb8"
 *           data-privacy-url="https://example.org/privacy" data-privacy-lang="en"></script>
 *
 * Options (all optional): data-server (defaults to where this file came from), data-title,
 * data-colour (brand colour; text colour is picked for contrast), data-privacy-url,
 * data-privacy-lang, data-exit-url (quick exit goes here), data-storage ("tab", the default,
 * forgets the chat when the tab closes; "browser" keeps it across tabs until cleared).
 *
 * Protocol: docs/channels/web.md. Everything the widget draws lives in its own shadow root,
 * so the host page's CSS cannot reach it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__signpostChat) return; // one widget per page
  window.__signpostChat = true;

  var data = script.dataset;
  var base = new URL(data.server || ".", script.src).href.replace(/\/?$/, "/");
  var options = {
    socketUrl: base.replace(/^http/, "ws") + "socket",
    cssUrl: base + "widget.css",
    title: data.title || "Find local support",
    colour: data.colour || data.color || "#005eb8",
    privacyUrl: data.privacyUrl || base + "privacy",
    privacyLang: data.privacyLang || "",
    exitUrl: data.exitUrl || "https://www.bbc.co.uk/weather",
    storage: data.storage === "browser" ? "localStorage" : "sessionStorage",
  };

  var PREFIX = "signpost-chat:";
  var PING_EVERY_MS = 25000;
  var PONG_WITHIN_MS = 10000;
  var DOUBLE_ESCAPE_MS = 1200;

  /* ---------- storage that never throws (blocked storage falls back to memory) ---------- */

  var memory = {};
  function store() {
    try {
      return window[options.storage];
    } catch (e) {
      return null;
    }
  }
  function load(key) {
    try {
      var s = store();
      return s ? s.getItem(PREFIX + key) : memory[key] || null;
    } catch (e) {
      return memory[key] || null;
    }
  }
  function save(key, value) {
    memory[key] = value;
    try {
      var s = store();
      if (s) s.setItem(PREFIX + key, value);
    } catch (e) {
      /* memory only */
    }
  }
  function forgetAll() {
    memory = {};
    ["sessionStorage", "localStorage"].forEach(function (name) {
      try {
        var s = window[name];
        for (var i = s.length - 1; i >= 0; i--) {
          var key = s.key(i);
          if (key && key.indexOf(PREFIX) === 0) s.removeItem(key);
        }
      } catch (e) {
        /* nothing stored */
      }
    });
  }

  /* ---------- colours: brand colour with a readable text colour ---------- */

  function luminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
    if (!m) return null;
    var n = parseInt(m[1], 16);
    var rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (c) {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  function contrast(a, b) {
    var hi = Math.max(a, b), lo = Math.min(a, b);
    return (hi + 0.05) / (lo + 0.05);
  }
  function brandColours(colour) {
    var l = luminance(colour);
    if (l === null) return brandColours("#005eb8");
    var white = contrast(l, 1), dark = contrast(l, luminance("#212b32"));
    return {
      brand: colour,
      onBrand: white >= dark ? "#ffffff" : "#212b32",
      // Brand-coloured text on white (choices, card edges) only where it is readable.
      accent: white >= 4.5 ? colour : "#212b32",
    };
  }

  /* ---------- small DOM helpers ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function srOnly(text) {
    return el("span", { className: "sr-only", text: text });
  }
  var uid = 0;
  function newId() {
    var random = "";
    try {
      var bytes = new Uint8Array(9);
      window.crypto.getRandomValues(bytes);
      random = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    } catch (e) {
      random = Math.random().toString(36).slice(2);
    }
    return "m" + Date.now().toString(36) + (uid++).toString(36) + random;
  }

  /* ---------- links in text: phone numbers, text numbers, websites, emails ---------- */

  var LINKS = new RegExp(
    [
      "(https?:\\/\\/[^\\s<>\"']+|www\\.[^\\s<>\"']+)", // 1 website
      "([\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+)", // 2 email
      "(?:text\\s+(\\w+)\\s+to\\s+)(\\d{5})", // 3 keyword, 4 short code
      "(\\+44\\s?\\d{2,4}\\s?\\d{3,4}\\s?\\d{3,4}|\\b0\\d{2,4}\\s?\\d{3,4}\\s?\\d{3,4}\\b|\\b116\\s?\\d{3}\\b)", // 5 phone
      "(?:\\b(?:call|ring|phone|dial)\\s+)(999|111|112)\\b", // 6 emergency numbers
    ].join("|"),
    "gi"
  );

  function telHref(number) {
    return "tel:" + number.replace(/[^\d+]/g, "");
  }
  function externalLink(href, text) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, [text, srOnly(" (opens in a new tab)")]);
  }

  function linkify(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(LINKS, function (match, web, email, keyword, short, phone, emergency, offset) {
      var start = offset, end = offset + match.length, node;
      if (web) {
        var trimmed = web.replace(/[.,;:!?)]+$/, "");
        end = start + trimmed.length;
        node = externalLink(/^https?:/i.test(trimmed) ? trimmed : "https://" + trimmed, trimmed);
      } else if (email) {
        node = el("a", { href: "mailto:" + email, text: email });
      } else if (short) {
        start = offset + match.length - short.length;
        node = el("a", { href: "sms:" + short + "?&body=" + encodeURIComponent(keyword), text: short });
      } else if (phone) {
        node = el("a", { href: telHref(phone), text: phone });
      } else if (emergency) {
        start = offset + match.length - emergency.length;
        node = el("a", { href: telHref(emergency), text: emergency });
      }
      if (!node) return match;
      fragment.appendChild(document.createTextNode(text.slice(last, start)));
      fragment.appendChild(node);
      last = end;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  /* ---------- rendering replies: text, lists and service cards ---------- */

  function textBlock(text) {
    return el("p", { className: "text" }, [linkify(text)]);
  }

  function listBlock(block) {
    var list = el(block.ordered ? "ol" : "ul", { className: "list", start: block.ordered ? String(block.start) : null }, block.items.map(function (item) {
      return el("li", {}, [linkify(item)]);
    }));
    if (!block.intro && !block.outro) return list;
    return el("div", {}, [block.intro ? textBlock(block.intro) : null, list, block.outro ? textBlock(block.outro) : null]);
  }

  function cardBlock(card) {
    var children = [];
    var heading = el("h3", { className: "card__name" }, [
      card.number ? el("span", { className: "card__number", text: card.number + ". " }) : null,
      card.name,
    ]);
    children.push(heading);
    if (card.organisation) children.push(el("p", { className: "card__org", text: card.organisation }));
    var where = [card.distance, card.place ? "at " + card.place : null].filter(Boolean).join(", ");
    if (where) children.push(el("p", { className: "card__where", text: where }));
    if (card.area) children.push(el("p", { className: "card__where", text: "Covers " + card.area }));
    if (card.status) children.push(el("p", { className: "card__status", text: card.status }));
    if (card.description) children.push(el("p", { className: "card__desc" }, [linkify(card.description)]));
    var facts = [];
    if (card.address) facts.push(["Where", card.address]);
    if (card.hours) facts.push(["Hours", card.hours]);
    (card.facts || []).forEach(function (fact) {
      facts.push([fact.label, fact.value]);
    });
    if (facts.length) {
      children.push(el("dl", { className: "card__facts" }, facts.reduce(function (all, fact) {
        if (fact[0]) all.push(el("dt", { text: fact[0] }));
        all.push(el("dd", {}, [linkify(fact[1])]));
        return all;
      }, [])));
    }
    var actions = [];
    (card.phones || []).forEach(function (phone) {
      var link = phone.tel
        ? el("a", { href: "tel:" + phone.tel, className: "card__call" }, ["Call " + phone.number])
        : document.createTextNode("Phone " + phone.number);
      actions.push(el("li", {}, [link, phone.note ? " (" + phone.note + ")" : null]));
    });
    (card.texts || []).forEach(function (text) {
      actions.push(el("li", {}, ["Text: ", linkify(text)]));
    });
    if (card.website) {
      var host = card.website.replace(/^https?:\/\//i, "").replace(/\/$/, "");
      actions.push(el("li", {}, [externalLink(card.website, "Website: " + host)]));
    }
    if (card.email) {
      actions.push(el("li", {}, [el("a", { href: "mailto:" + card.email, text: "Email: " + card.email })]));
    }
    if (actions.length) children.push(el("ul", { className: "card__actions" }, actions));
    (card.notes || []).forEach(function (note) {
      children.push(el("p", { className: "card__note", text: note }));
    });
    return el("article", { className: "card" }, children);
  }

  function renderBlocks(item) {
    var blocks = item.blocks && item.blocks.length ? item.blocks : [{ kind: "text", text: item.text || "" }];
    return blocks.map(function (block) {
      if (block.kind === "card") return cardBlock(block);
      if (block.kind === "list") return listBlock(block);
      return textBlock(block.text || "");
    });
  }

  /* ---------- the widget ---------- */

  function Widget() {
    this.token = load("token");
    this.outbox = parseOutbox(load("outbox"));
    this.have = 0; // messages of this conversation the page shows (see docs: catch-up)
    this.ws = null;
    this.state = "idle";
    this.attempts = 0;
    this.timers = {};
    this.holdUntil = 0;
    this.lastEscape = 0;
    this.started = false;
    this.reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function parseOutbox(text) {
    try {
      var items = JSON.parse(text || "[]");
      return Array.isArray(items) ? items.filter(function (i) { return i && i.cid && i.text; }) : [];
    } catch (e) {
      return [];
    }
  }

  Widget.prototype.mount = function () {
    var self = this;
    var host = (this.host = document.createElement("signpost-chat"));
    var colours = brandColours(options.colour);
    host.style.setProperty("--sp-brand", colours.brand);
    host.style.setProperty("--sp-on-brand", colours.onBrand);
    host.style.setProperty("--sp-accent", colours.accent);
    host.style.setProperty("display", "none", "important"); // until the stylesheet is in
    var root = (this.root = host.attachShadow({ mode: "open" }));
    var sheet = el("link", { rel: "stylesheet", href: options.cssUrl });
    var shown = false;
    function show() {
      if (!shown) host.style.removeProperty("display");
      shown = true;
    }
    sheet.addEventListener("load", show);
    sheet.addEventListener("error", show);
    setTimeout(show, 4000);
    root.appendChild(sheet);

    this.launcher = el("button", {
      type: "button",
      className: "launcher",
      "aria-expanded": "false",
      "aria-controls": "sp-panel",
      onclick: function () { self.toggle(); },
    }, [el("span", { className: "launcher__icon", "aria-hidden": "true" }), el("span", { text: options.title })]);

    this.exitButton = el("button", {
      type: "button",
      className: "exit",
      onclick: function () { self.quickExit(); },
    }, ["Leave this site quickly"]);
    this.closeButton = el("button", {
      type: "button",
      className: "close",
      "aria-label": "Close chat",
      onclick: function () { self.close(); },
    }, [el("span", { "aria-hidden": "true", text: "\u00d7" })]);

    var privacyLink = el("a", {
      href: options.privacyUrl,
      target: "_blank",
      rel: "noopener noreferrer",
      hreflang: options.privacyLang || null,
      lang: options.privacyLang || null,
    }, ["How we use your messages", srOnly(" (opens in a new tab)")]);

    this.status = el("div", { className: "status", role: "status" });
    this.retryButton = el("button", {
      type: "button",
      className: "status__retry",
      hidden: true,
      onclick: function () { self.connectNow(); },
    }, ["Try again now"]);
    this.log = el("div", {
      className: "log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    this.typing = el("div", { className: "typing", hidden: true }, [
      el("span", { className: "typing__dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      " The assistant is typing",
    ]);
    this.input = el("textarea", {
      id: "sp-input",
      className: "input",
      rows: "1",
      maxlength: "4000",
      autocomplete: "off",
      placeholder: "Type your message",
      oninput: function () { self.fitInput(); },
      onkeydown: function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          self.submit();
        }
      },
    });
    var form = el("form", {
      className: "composer",
      onsubmit: function (event) {
        event.preventDefault();
        self.submit();
      },
    }, [
      el("label", { for: "sp-input", className: "sr-only", text: "Your message" }),
      this.input,
      el("button", { type: "submit", className: "send" }, ["Send"]),
    ]);
    this.personButton = el("button", {
      type: "button",
      className: "tool",
      onclick: function () { self.send("/talk_to_person", "Talk to a person"); },
    }, ["Talk to a person"]);
    this.clearButton = el("button", {
      type: "button",
      className: "tool",
      onclick: function () { self.clearChat(); },
    }, ["Clear chat from this browser"]);

    this.panel = el("section", {
      id: "sp-panel",
      className: "panel",
      role: "dialog",
      "aria-modal": "false",
      "aria-labelledby": "sp-title",
      hidden: true,
    }, [
      el("header", { className: "header" }, [
        el("h2", { id: "sp-title", className: "title", text: options.title }),
        this.exitButton,
        this.closeButton,
      ]),
      el("p", { className: "notice" }, ["Please don't type your name or address. ", privacyLink]),
      el("div", { className: "status-bar" }, [this.status, this.retryButton]),
      this.log,
      this.typing,
      form,
      el("div", { className: "tools" }, [
        this.personButton,
        this.clearButton,
        el("p", { className: "hint", text: "Press Esc twice to leave this site quickly." }),
      ]),
    ]);
    root.appendChild(el("aside", { className: "widget", "aria-label": options.title + " chat" }, [this.launcher, this.panel]));
    document.body.appendChild(host);

    // Escape twice, anywhere on the page, leaves at once. Once, in the chat, closes it.
    window.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var now = Date.now();
      if (now - self.lastEscape < DOUBLE_ESCAPE_MS) {
        event.preventDefault();
        self.quickExit();
        return;
      }
      self.lastEscape = now;
      if (!self.panel.hidden && document.activeElement === host) self.close();
    }, true);
    window.addEventListener("online", function () {
      if (self.started) self.connectNow();
    });
    window.addEventListener("offline", function () {
      self.drop();
      self.setState("offline");
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && self.started && !self.ws) self.connectNow();
    });

    if (load("open") === "1") this.open(false);
  };

  /* ----- open and close ----- */

  Widget.prototype.toggle = function () {
    if (this.panel.hidden) this.open(true);
    else this.close();
  };

  Widget.prototype.open = function (focus) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.root.querySelector(".widget").classList.add("is-open");
    save("open", "1");
    if (focus) this.input.focus();
    if (!this.started) {
      this.started = true;
      this.renderOutbox();
      this.connect();
    }
    this.scrollToEnd();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.root.querySelector(".widget").classList.remove("is-open");
    save("open", "0");
    this.launcher.focus();
  };

  /* ----- connection, with back-off ----- */

  Widget.prototype.setState = function (state, detail) {
    this.state = state;
    var messages = {
      open: "",
      connecting: "Connecting\u2026",
      reconnecting: "Reconnecting\u2026 Messages you write now will be sent when the chat is back.",
      offline: "You're offline. Messages you write now will be sent when you're back online.",
      busy: detail || "The chat is busy. Trying again shortly\u2026",
    };
    var text = messages[state] !== undefined ? messages[state] : "";
    if (this.status.textContent !== text) this.status.textContent = text;
    this.status.parentNode.dataset.state = state;
    this.retryButton.hidden = !(state === "reconnecting" || state === "offline" || state === "busy");
  };

  Widget.prototype.connect = function () {
    var self = this;
    clearTimeout(this.timers.reconnect);
    if (this.ws) return;
    if (navigator.onLine === false) {
      this.setState("offline");
      return;
    }
    this.setState(this.attempts ? "reconnecting" : "connecting");
    var ws;
    try {
      ws = this.ws = new WebSocket(options.socketUrl);
    } catch (e) {
      this.ws = null;
      this.scheduleReconnect();
      return;
    }
    ws.onopen = function () {
      self.sentToken = Boolean(self.token);
      ws.send(JSON.stringify({ type: "hello", token: self.token, have: self.have }));
    };
    ws.onmessage = function (event) {
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (ws === self.ws) self.receive(frame);
    };
    ws.onclose = function () {
      if (ws !== self.ws) return; // a connection we already let go of
      self.drop();
      if (self.started) self.scheduleReconnect();
    };
  };

  // Let go of the connection at once (its close event may come much later): anything sent
  // and not acknowledged is sent again on the next one.
  Widget.prototype.drop = function () {
    var ws = this.ws;
    this.ws = null;
    this.ready = false;
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.pong);
    this.outbox.forEach(function (item) { item.sent = false; });
    if (ws) {
      try {
        ws.close();
      } catch (e) {
        /* already closed */
      }
    }
    this.updateWaiting();
  };

  Widget.prototype.connectNow = function () {
    this.attempts = Math.max(this.attempts, 1);
    clearTimeout(this.timers.reconnect);
    this.connect();
  };

  Widget.prototype.scheduleReconnect = function (seconds) {
    var self = this;
    if (navigator.onLine === false) {
      this.setState("offline");
      return;
    }
    this.attempts += 1;
    // 1 s, 2 s, 4 s ... up to 30 s, with jitter so many pages don't return at once.
    var delay = seconds ? seconds * 1000 : Math.min(30000, 1000 * Math.pow(2, this.attempts - 1));
    delay = delay * (0.75 + Math.random() * 0.5);
    if (this.state !== "busy") this.setState("reconnecting");
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = setTimeout(function () { self.connect(); }, delay);
  };

  Widget.prototype.startPing = function () {
    var self = this;
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(function () {
      if (!self.ws || !self.ready) return;
      self.ws.send(JSON.stringify({ type: "ping" }));
      clearTimeout(self.timers.pong);
      self.timers.pong = setTimeout(function () {
        self.drop(); // no answer: the connection is dead, start again
        self.scheduleReconnect();
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  };

  /* ----- frames from the server ----- */

  Widget.prototype.receive = function (frame) {
    switch (frame.type) {
      case "session":
        this.onSession(frame);
        break;
      case "ack":
        this.onAck(frame.cid);
        break;
      case "bot":
        this.have += 1;
        this.showTyping(false);
        this.renderBot(frame, true);
        break;
      case "user":
        this.have += 1;
        if (!frame.hidden) this.renderUser(frame.text, frame.cid, false);
        break;
      case "typing":
        this.showTyping(frame.on);
        break;
      case "pong":
        clearTimeout(this.timers.pong);
        break;
      case "error":
        this.onError(frame);
        break;
    }
  };

  Widget.prototype.onSession = function (frame) {
    var self = this;
    var hadChat = Boolean(this.log.querySelector(".msg--bot"));
    this.token = frame.token;
    save("token", frame.token);
    if (frame.reset) {
      this.clearLog();
      this.have = 0;
      if (frame.new && this.sentToken && hadChat) this.note("Your earlier chat has ended, so this is a new one.");
    }
    if (this.clearedNote) {
      this.clearedNote = false;
      this.note("Chat cleared from this browser. This is a new chat.");
    }
    var pending = {};
    this.outbox.forEach(function (item) { pending[item.cid] = item; });
    frame.items.forEach(function (item) {
      if (item.from !== "user") {
        self.renderBot(item, false);
        return;
      }
      var shown = item.cid && self.bubble(item.cid);
      if (!shown && !item.hidden) self.renderUser(item.text, item.cid, false);
      if (item.cid && pending[item.cid]) self.delivered(item.cid); // it arrived before the drop
    });
    this.have = frame.count;
    this.ready = true;
    this.attempts = 0;
    this.setState("open");
    this.startPing();
    // Messages written while away go after what the server already has.
    this.renderOutbox(true);
    if (frame.count === 0 && !this.outbox.length) {
      this.send("/greet", null); // the assistant says hello first
    }
    this.flush();
    this.scrollToEnd();
  };

  Widget.prototype.onAck = function (cid) {
    if (this.outbox.some(function (item) { return item.cid === cid; })) {
      this.have += 1;
      this.delivered(cid);
    }
  };

  Widget.prototype.onError = function (frame) {
    var self = this;
    if (frame.code === "rate_limited") {
      var item = this.outbox.find(function (i) { return i.cid === frame.cid; });
      if (item) item.sent = false;
      this.updateWaiting();
      if (Date.now() >= this.holdUntil) {
        this.note("You're sending messages quickly. I'll send that in a few seconds.");
      }
      this.holdUntil = Date.now() + frame.retry_after * 1000;
      clearTimeout(this.timers.hold);
      this.timers.hold = setTimeout(function () { self.flush(); }, frame.retry_after * 1000 + 50);
    } else if (frame.code === "busy" || frame.code === "unavailable") {
      this.drop();
      this.setState("busy");
      this.scheduleReconnect(frame.retry_after || 10);
    } else if (frame.code === "failed") {
      this.showTyping(false);
      this.note("Sorry, something went wrong with that message. Please try again.");
    }
  };

  /* ----- sending, and the queue of messages not yet delivered ----- */

  // The message box grows with what is typed, up to its max-height (then it scrolls).
  Widget.prototype.fitInput = function () {
    this.input.style.height = "auto";
    this.input.style.height = this.input.scrollHeight + 4 + "px";
  };

  Widget.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.input.style.removeProperty("height");
    this.send(text, text);
    this.input.focus();
  };

  Widget.prototype.send = function (text, display) {
    var item = { cid: newId(), text: text, display: display, sent: false };
    this.outbox.push(item);
    this.saveOutbox();
    if (display !== null) this.renderUser(display, item.cid, true);
    this.removeChoices();
    this.flush();
  };

  Widget.prototype.flush = function () {
    var self = this;
    if (!this.ws || !this.ready || this.ws.readyState !== 1 || Date.now() < this.holdUntil) {
      this.updateWaiting();
      return;
    }
    this.outbox.forEach(function (item) {
      if (item.sent) return;
      item.sent = true;
      self.ws.send(JSON.stringify({ type: "message", cid: item.cid, text: item.text }));
    });
    this.updateWaiting();
  };

  Widget.prototype.delivered = function (cid) {
    this.outbox = this.outbox.filter(function (item) { return item.cid !== cid; });
    this.saveOutbox();
    var bubble = this.bubble(cid);
    if (bubble) {
      bubble.classList.remove("msg--waiting");
      var label = bubble.querySelector(".msg__waiting");
      if (label) label.remove();
    }
  };

  Widget.prototype.bubble = function (cid) {
    return this.log.querySelector('[data-cid="' + CSS.escape(String(cid)) + '"]');
  };

  Widget.prototype.saveOutbox = function () {
    save("outbox", JSON.stringify(this.outbox.map(function (item) {
      return { cid: item.cid, text: item.text, display: item.display };
    })));
  };

  // "Waiting to send" on every message not on its way: offline, or held by the rate limit.
  Widget.prototype.updateWaiting = function () {
    var self = this;
    this.outbox.forEach(function (item) {
      var bubble = self.bubble(item.cid);
      if (!bubble) return;
      var label = bubble.querySelector(".msg__waiting");
      if (!item.sent && !label) {
        bubble.classList.add("msg--waiting");
        bubble.appendChild(el("span", { className: "msg__waiting", text: "Waiting to send" }));
      } else if (item.sent && label) {
        bubble.classList.remove("msg--waiting");
        label.remove();
      }
    });
  };

  Widget.prototype.renderOutbox = function (moveToEnd) {
    var self = this;
    this.outbox.forEach(function (item) {
      if (item.display === null) return;
      var bubble = self.bubble(item.cid);
      if (!bubble) self.renderUser(item.display, item.cid, true);
      else if (moveToEnd) self.log.appendChild(bubble);
    });
  };

  /* ----- the message list ----- */

  Widget.prototype.renderUser = function (text, cid, waiting) {
    var bubble = el("div", { className: "msg msg--user", "data-cid": cid || null }, [
      srOnly("You said: "),
      el("p", { className: "text", text: text }),
    ]);
    this.log.appendChild(bubble);
    if (waiting && !(this.ws && this.ready)) {
      bubble.classList.add("msg--waiting");
      bubble.appendChild(el("span", { className: "msg__waiting", text: "Waiting to send" }));
    }
    this.scrollToEnd();
  };

  Widget.prototype.renderBot = function (item, live) {
    var self = this;
    this.removeChoices();
    var children = [srOnly("Assistant said: ")].concat(renderBlocks(item));
    var bubble = el("div", { className: "msg msg--bot" }, children);
    if (item.buttons && item.buttons.length) {
      bubble.appendChild(el("div", { className: "choices", role: "group", "aria-label": "Choices" },
        item.buttons.map(function (button) {
          return el("button", {
            type: "button",
            className: "choice",
            onclick: function () {
              self.send(button.payload, button.title);
              self.input.focus();
            },
          }, [button.title]);
        })));
    }
    this.log.appendChild(bubble);
    if (live) this.scrollTo(bubble);
  };

  Widget.prototype.removeChoices = function () {
    var focused = this.root.activeElement;
    var lostFocus = false;
    Array.prototype.forEach.call(this.log.querySelectorAll(".choices"), function (group) {
      if (focused && group.contains(focused)) lostFocus = true;
      group.remove();
    });
    if (lostFocus) this.input.focus();
  };

  Widget.prototype.note = function (text) {
    this.log.appendChild(el("p", { className: "note", text: text }));
    this.scrollToEnd();
  };

  Widget.prototype.clearLog = function () {
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
  };

  Widget.prototype.showTyping = function (on) {
    this.typing.hidden = !on;
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.scrollTo = function (bubble) {
    // Show a reply from its start: result lists are read from the top.
    var top = bubble.offsetTop - this.log.offsetTop - 8;
    var bottom = this.log.scrollHeight - this.log.clientHeight;
    this.log.scrollTop = Math.min(Math.max(top, 0), bottom);
  };

  /* ----- safety: clear the chat, leave quickly ----- */

  Widget.prototype.clearChat = function () {
    forgetAll();
    this.token = null;
    this.outbox = [];
    this.have = 0;
    this.drop();
    clearTimeout(this.timers.reconnect);
    this.clearLog();
    this.showTyping(false);
    this.setState("idle");
    this.clearedNote = true;
    save("open", "1");
    this.attempts = 0;
    this.connect(); // a new, empty chat
    this.input.focus();
  };

  Widget.prototype.quickExit = function () {
    forgetAll();
    try {
      if (this.ws) this.ws.close();
    } catch (e) {
      /* leaving anyway */
    }
    // Hide the chat at once and tell the next site nothing about this one.
    this.host.remove();
    try {
      var meta = document.createElement("meta");
      meta.name = "referrer";
      meta.content = "no-referrer";
      document.head.appendChild(meta);
    } catch (e) {
      /* leaving anyway */
    }
    window.location.replace(options.exitUrl);
  };

  function start() {
    new Widget().mount();
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
