// The sandbox page's own script: turns clicks, picks and typing into Slack's gestures
// (posted to /sandbox/*, which signs them and sends them to the bot), and redraws the parts
// of the page the server renders whenever the stream says something changed.
"use strict";
(() => {
  const body = document.body;
  const shown = { pane: null, thread: null, modal: null };
  let refreshing = null;

  const parse = (text) => (text ? JSON.parse(text) : null);
  const dataOf = (el) => parse(el.dataset.el) || {};
  const originOf = (el) => parse(el.closest("[data-origin]")?.dataset.origin);
  const blockIdOf = (el) => el.closest("[data-block-id]")?.dataset.blockId || "";

  function toast(message) {
    const note = document.createElement("div");
    note.className = "toast";
    note.textContent = message;
    document.body.appendChild(note);
    setTimeout(() => note.remove(), 6000);
  }

  async function post(path, data) {
    body.dataset.busy = String(Number(body.dataset.busy || 0) + 1);
    try {
      const response = await fetch(`/sandbox/${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user: body.dataset.user, ...data }),
      });
      const answer = await response.json();
      if (!answer.ok) toast(answer.error || "Something went wrong");
      await refresh();
      return answer;
    } finally {
      body.dataset.busy = String(Number(body.dataset.busy) - 1);
    }
  }

  // Slack keeps what was typed in a view that is redrawn (errors, updates) when the input's
  // block_id and action_id stay the same.
  function typedIn(root) {
    const kept = new Map();
    root.querySelectorAll(".view .el").forEach((el) => {
      const d = dataOf(el);
      const key = `${originOf(el)?.view_id}|${blockIdOf(el)}|${d.action_id}`;
      const boxes = [...el.querySelectorAll("input")].map((i) => i.checked);
      const picks = el.tagName === "SELECT" ? [...el.options].map((o) => o.selected) : null;
      kept.set(key, { value: el.value, selected: el.dataset.selected, boxes, picks });
    });
    return kept;
  }

  function restore(root, kept) {
    root.querySelectorAll(".view .el").forEach((el) => {
      const d = dataOf(el);
      const was = kept.get(`${originOf(el)?.view_id}|${blockIdOf(el)}|${d.action_id}`);
      if (!was) return;
      if (was.picks) [...el.options].forEach((o, i) => { o.selected = Boolean(was.picks[i]); });
      else if (el.tagName !== "DIV") el.value = was.value;
      if (was.selected) el.dataset.selected = was.selected;
      el.querySelectorAll("input").forEach((i, n) => { i.checked = Boolean(was.boxes[n]); });
    });
  }

  function swap(id, html) {
    if (shown[id] === html) return;
    shown[id] = html;
    const target = document.getElementById(id);
    const list = target.querySelector(".messages");
    const atBottom = !list || list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const kept = typedIn(target);
    target.innerHTML = html;
    restore(target, kept);
    const fresh = target.querySelector(".messages");
    if (fresh && atBottom) fresh.scrollTop = fresh.scrollHeight;
  }

  async function refresh() {
    if (refreshing) return refreshing;
    refreshing = (async () => {
      const query = new URLSearchParams({
        as: body.dataset.user, in: body.dataset.where, thread: body.dataset.thread || "",
      });
      const parts = await (await fetch(`/sandbox/fragments?${query}`)).json();
      swap("pane", parts.pane);
      swap("thread", parts.thread);
      swap("modal", parts.modal);
      body.dataset.version = String(parts.version);
    })();
    try {
      await refreshing;
    } finally {
      refreshing = null;
    }
  }

  // --- Block Kit values, shaped as Slack sends them in actions and in view state ----------

  function valueOf(el, d) {
    const picked = (select) => [...select.selectedOptions].map((o) => o.value).filter(Boolean);
    switch (d.type) {
      case "static_select":
        return { selected_option: el.value === "" ? null : d.options[Number(el.value)] };
      case "multi_static_select":
        return { selected_options: picked(el).map((i) => d.options[Number(i)]) };
      case "external_select":
        return { selected_option: parse(el.dataset.selected) };
      case "multi_external_select":
        return { selected_options: el.dataset.selected ? [parse(el.dataset.selected)] : [] };
      case "users_select":
        return { selected_user: el.value || null };
      case "multi_users_select":
        return { selected_users: picked(el) };
      case "conversations_select":
        return { selected_conversation: el.value || null };
      case "multi_conversations_select":
        return { selected_conversations: picked(el) };
      case "channels_select":
        return { selected_channel: el.value || null };
      case "multi_channels_select":
        return { selected_channels: picked(el) };
      case "datepicker":
        return { selected_date: el.value || null };
      case "timepicker":
        return { selected_time: el.value || null };
      case "checkboxes":
        return {
          selected_options: [...el.querySelectorAll("input:checked")].map(
            (i) => d.options[Number(i.value)]),
        };
      case "radio_buttons": {
        const checked = el.querySelector("input:checked");
        return { selected_option: checked ? d.options[Number(checked.value)] : null };
      }
      case "plain_text_input": case "email_text_input": case "url_text_input":
      case "number_input":
        return { value: el.value === "" ? null : el.value };
      default:
        return {};
    }
  }

  function valuesOf(root) {
    const values = {};
    root.querySelectorAll(".el").forEach((el) => {
      const d = dataOf(el);
      if (d.type === "button" || d.type === "overflow") return;
      const block = blockIdOf(el);
      values[block] = values[block] || {};
      values[block][d.action_id] = { type: d.type, ...valueOf(el, d) };
    });
    return values;
  }

  function actionOf(el, extra) {
    const d = dataOf(el);
    const action = {
      type: d.type, action_id: d.action_id, block_id: blockIdOf(el),
      action_ts: (Date.now() / 1000).toFixed(6),
    };
    if (d.text) action.text = d.text;
    if (d.type === "button" && d.value !== undefined) action.value = d.value;
    return { ...action, ...valueOf(el, d), ...(extra || {}) };
  }

  // --- confirm dialogs ----------------------------------------------------------------

  function confirmed(confirm) {
    if (!confirm) return Promise.resolve(true);
    const dialog = document.getElementById("confirm");
    const text = (obj, fallback) => (obj && obj.text) || fallback;
    dialog.innerHTML = "";
    const title = document.createElement("h3");
    title.textContent = text(confirm.title, "Are you sure?");
    const words = document.createElement("p");
    words.textContent = text(confirm.text, "");
    const deny = document.createElement("button");
    deny.className = "btn deny";
    deny.textContent = text(confirm.deny, "Cancel");
    const yes = document.createElement("button");
    yes.className = `btn confirm ${confirm.style || "primary"}`;
    yes.textContent = text(confirm.confirm, "Yes");
    const row = document.createElement("footer");
    row.append(deny, yes);
    dialog.append(title, words, row);
    dialog.showModal();
    return new Promise((resolve) => {
      deny.onclick = () => { dialog.close(); resolve(false); };
      yes.onclick = () => { dialog.close(); resolve(true); };
    });
  }

  async function act(el, extra) {
    const d = dataOf(el);
    if (!(await confirmed(d.confirm))) return;
    const origin = originOf(el);
    const root = el.closest(".view");
    const values = root ? valuesOf(root) : {};
    await post("action", { origin, action: actionOf(el, extra), values });
  }

  const fires = (el) => !el.closest(".block.input") || el.dataset.dispatch === "1";

  // --- external selects (type-ahead through block_suggestion) ---------------------------

  let typing = null;
  function suggest(input) {
    clearTimeout(typing);
    typing = setTimeout(async () => {
      const box = input.parentElement.querySelector(".suggestions");
      const answer = await post("options", {
        origin: originOf(input), action: actionOf(input), value: input.value,
      });
      const found = answer.answer || {};
      const options = [...(found.options || [])];
      (found.option_groups || []).forEach((g) => options.push(...(g.options || [])));
      box.innerHTML = "";
      options.forEach((option) => {
        const item = document.createElement("button");
        item.type = "button";
        item.className = "suggestion";
        item.textContent = option.text.text;
        item.onclick = () => {
          input.value = option.text.text;
          input.dataset.selected = JSON.stringify(option);
          box.hidden = true;
          if (fires(input)) act(input);
        };
        box.appendChild(item);
      });
      if (!options.length) box.innerHTML = '<span class="none">No matches</span>';
      box.hidden = false;
    }, 250);
  }

  // --- wiring -------------------------------------------------------------------------

  document.addEventListener("click", async (event) => {
    const target = event.target.closest("button, a.nav");
    if (!target) {
      document.querySelectorAll(".menu").forEach((m) => { m.hidden = true; });
      return;
    }
    if (target.classList.contains("overflow-toggle") || target.classList.contains("more-actions")) {
      const menu = target.parentElement.querySelector(".menu");
      const open = menu.hidden;
      document.querySelectorAll(".menu").forEach((m) => { m.hidden = true; });
      menu.hidden = !open;
    } else if (target.closest(".overflow") && target.classList.contains("menu-item")) {
      const toggle = target.closest(".overflow").querySelector(".overflow-toggle");
      target.parentElement.hidden = true;
      const option = dataOf(toggle).options[Number(target.dataset.index)];
      await act(toggle, { selected_option: option });
    } else if (target.classList.contains("shortcut")) {
      target.parentElement.hidden = true;
      const origin = originOf(target);
      await post("shortcut", { channel: origin.channel, ts: origin.ts });
    } else if (target.classList.contains("el") && dataOf(target).type === "button") {
      const d = dataOf(target);
      if (d.url) window.open(d.url, "_blank", "noopener");
      await act(target);
    } else if (target.classList.contains("replies")) {
      body.dataset.thread = target.dataset.thread;
      await refresh();
    } else if (target.classList.contains("close-thread")) {
      body.dataset.thread = "";
      await refresh();
    } else if (target.classList.contains("submit-view")) {
      await post("submit", { values: valuesOf(target.closest(".view")) });
    } else if (target.classList.contains("cancel-view") || target.classList.contains("close-view")) {
      await post("close", {});
    } else if (target.classList.contains("dismiss")) {
      await post("dismiss", {});
    }
  });

  document.addEventListener("change", async (event) => {
    const el = event.target.closest(".el");
    if (!el || el.classList.contains("external-input") || !fires(el)) return;
    await act(el);
  });

  document.addEventListener("input", (event) => {
    const el = event.target;
    if (el.classList.contains("external-input")) {
      delete el.dataset.selected;
      suggest(el);
    } else if (el.id === "compose") {
      document.getElementById("usage").hidden = !el.value.startsWith("/");
    }
  });

  document.addEventListener("keydown", async (event) => {
    const el = event.target;
    if (event.key !== "Enter" || el.tagName !== "INPUT") return;
    if (el.classList.contains("el") && el.dataset.dispatch === "1") {
      event.preventDefault();
      await act(el);
    }
  });

  document.addEventListener("submit", async (event) => {
    if (event.target.id !== "composer") return;
    event.preventDefault();
    const input = document.getElementById("compose");
    const text = input.value;
    input.value = "";
    document.getElementById("usage").hidden = true;
    await post("command", { text, channel: body.dataset.where });
  });

  document.getElementById("person")?.addEventListener("change", (event) => {
    window.location = `/?as=${event.target.value}&in=${body.dataset.where}`;
  });

  const stream = new EventSource("/sandbox/stream");
  stream.onmessage = () => refresh();
  if (body.dataset.where === "home") post("home", {});
  const list = document.querySelector("#pane .messages");
  if (list) list.scrollTop = list.scrollHeight;
})();
