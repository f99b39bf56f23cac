// The sandbox page's script (sandbox-page.html), served at /sandbox-page.js; it talks to the sandbox HTTP API (README).
'use strict';
const NAME_KEY = 'jamii.sandbox.name';
// Room names are lowercase (the API refuses others); what is typed or linked is lowercased first.
const ROOM_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const POLL_MS = 5000;
const $ = (id) => document.getElementById(id);
const state = { room: '', rooms: [], desks: [], joined: new Set(), unread: new Map(), messages: [], rendered: new Map(), seq: 0, editAnswers: new Map() };

/** Builds an element; strings become text nodes, so untrusted text is never parsed as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

const userName = () => $('name').value.trim();
let noticeTimer = 0;
function notice(text, warn) {
  const el = $('notice');
  el.textContent = text;
  el.classList.toggle('warn', Boolean(warn));
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.hidden = true; }, 8000);
}

async function api(method, path, body) {
  const res = await fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((data.error && data.error.message) || `The server answered ${res.status}.`);
  return data;
}

function needName() {
  if (userName()) return false;
  notice('Type your name first (top right).', true);
  $('name').focus();
  return true;
}

/* ---- rooms ---- */
const isDesk = (room) => state.desks.includes(room);
function renderRooms() {
  const item = (room, label) => {
    const count = state.unread.get(room) || 0;
    return h('li', {}, h('button', { type: 'button', class: 'room', 'data-testid': `room-${room}`, 'aria-current': room === state.room ? 'true' : 'false', onclick: () => selectRoom(room) },
      h('span', {}, label),
      count > 0 ? h('span', { class: 'unread', 'aria-label': `${count} unread` }, count > 99 ? '99+' : count) : null));
  };
  const chats = [...new Set([...state.rooms, ...state.joined])].filter((r) => !isDesk(r));
  $('rooms').replaceChildren(...chats.map((r) => item(r, `# ${r}`)));
  $('desks').replaceChildren(...state.desks.map((r) => item(r, state.desks.length > 1 ? `Desk · ${r}` : 'Manager desk')));
}

async function loadRooms() {
  const data = await api('GET', '/api/sandbox/chats');
  state.rooms = data.chats;
  state.desks = data.desks;
  renderRooms();
}

function selectRoom(room) {
  if (!ROOM_NAME.test(room)) return;
  if (!state.rooms.includes(room) && !isDesk(room)) state.joined.add(room);
  state.room = room;
  state.unread.delete(room);
  state.messages = [];
  state.rendered.clear();
  $('messages').replaceChildren();
  if (location.hash.slice(1) !== room) history.replaceState(null, '', `#${room}`);
  $('room-title').textContent = isDesk(room) ? `Manager desk (${room})` : `# ${room}`;
  $('room-hint').textContent = isDesk(room)
    ? 'Approval cards appear here. Type /help, /pending, /approve ID, /edit ID text, /confirm ID or /reject ID reason.'
    : 'Members chat here. Questions and complaints get a draft reply that waits on the manager desk.';
  $('composer-error').hidden = true;
  renderRooms();
  refresh();
}

/* ---- messages ---- */
function replySnippet(m) {
  const target = state.messages.find((x) => x.id === m.replyTo);
  const text = target ? `${target.user}: ${target.card ? target.card.title : target.text}` : `message #${m.replyTo}`;
  return h('button', { type: 'button', class: 'replyq', 'data-testid': 'reply-quote', title: 'Show the message this replies to', onclick: () => flash(m.replyTo) }, `↪ ${text.replace(/\s+/g, ' ').slice(0, 140)}`);
}

function flash(id) {
  const el = state.rendered.get(id)?.el;
  if (!el) return;
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  el.classList.add('flash');
  setTimeout(() => el.classList.remove('flash'), 1200);
}

function renderMessage(m) {
  const at = new Date(m.at);
  const mine = !m.fromBot && m.user === userName();
  return h('article', { class: `msg${m.fromBot ? ' bot' : ''}${mine ? ' mine' : ''}${m.card ? ' has-card' : ''}`, 'data-testid': 'message', 'data-message-id': m.id, 'data-from-bot': String(m.fromBot), 'data-reply-to': m.replyTo, 'aria-label': `${m.user}${m.fromBot ? ' (bot)' : ''}` },
    h('div', { class: 'meta' }, h('strong', {}, m.user), m.fromBot ? h('span', { class: 'tag' }, 'bot') : null,
      h('time', { datetime: m.at, title: at.toLocaleString() }, at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }))),
    m.replyTo ? replySnippet(m) : null,
    m.card ? renderCard(m.card) : h('div', { class: 'text' }, m.text));
}

function renderCard(card) {
  const title = `card-${card.draftId}-${Math.random().toString(36).slice(2, 8)}`;
  const form = h('form', { hidden: true });
  const buttons = card.actions.map((a) => h('button', {
    type: 'button', class: a.style === 'secondary' ? '' : a.style, 'data-testid': `action-${a.id.split(':')[0]}`,
    onclick: () => onAction(a, card, form, buttons),
  }, a.label));
  return h('section', { class: 'card', 'data-testid': 'card', 'data-draft-id': card.draftId, 'data-status': card.status, 'aria-labelledby': title },
    h('div', { class: 'card-head' }, h('h3', { id: title }, card.title), h('span', { class: `badge ${card.status}` }, card.status)),
    // Member or bot by the card's flag, never by the name (a card stored by an older Jamii has no label).
    h('div', { class: 'label', 'data-testid': 'card-quote-label', 'data-quote-from-bot': String(Boolean(card.quoteFromBot)) }, card.quoteLabel || `${card.quoteAuthor} wrote`), h('blockquote', {}, card.quote),
    // The heading follows the draft (core's bodyLabel); a card stored by an older Jamii has none.
    card.bodyLabel ? h('div', { class: 'label', 'data-testid': 'card-body-label' }, card.bodyLabel) : null,
    h('div', { class: 'reply', 'data-testid': 'card-body' }, card.body),
    h('dl', {}, card.fields.map((f) => [h('dt', {}, f.label), h('dd', {}, f.value)])),
    buttons.length ? h('div', { class: 'actions' }, buttons) : null,
    form,
    editAnswer(card),
    card.footer ? h('footer', {}, card.footer) : null);
}

/**
 * The answer to this page's last edit of a draft, kept on its card while the draft is pending: an
 * edit that failed a check is saved but held (not posted), and the answer says what was flagged
 * and how to post it anyway. Once the draft is decided the card says what became of it.
 */
function editAnswer(card) {
  const text = card.status === 'pending' ? state.editAnswers.get(card.draftId) : undefined;
  return text ? h('div', { class: 'edit-answer', 'data-testid': 'edit-answer', role: 'status' }, text) : null;
}

/** Sends a card action; resolves the reply, or null when it was not sent. */
async function sendAction(body, buttons) {
  if (needName()) return null;
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const data = await api('POST', '/api/sandbox/actions', { user: userName(), ...body });
    notice(data.reply.text, data.reply.ephemeral);
    return data.reply;
  } catch (error) {
    notice(error.message, true);
    return null;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

/** Edit and Reject open an inline form (reply text / optional reason); the others act at once. */
function onAction(action, card, form, buttons) {
  const kind = action.id.split(':')[0];
  if (kind !== 'edit' && kind !== 'reject') return sendAction({ action: action.id }, buttons);
  if (!form.hidden && form.dataset.kind === kind) { form.hidden = true; return; }
  const edit = kind === 'edit';
  const fieldId = `${kind}-${card.draftId}-${Math.random().toString(36).slice(2, 8)}`;
  const field = h('textarea', { id: fieldId, 'data-testid': edit ? 'edit-text' : 'reject-reason', maxlength: edit ? 4096 : 500, required: edit });
  field.value = edit ? card.body : '';
  // An edit is posted when it passes the checks, and held on the card (not posted) when it fails one.
  const submit = h('button', { type: 'submit', class: edit ? 'primary' : 'danger', 'data-testid': edit ? 'edit-submit' : 'reject-submit' }, edit ? 'Save and post edit' : 'Reject draft');
  const hint = edit ? h('p', { class: 'hint' }, 'Posted at once if it passes the checks; if it fails one, it is held on this card, not posted.') : null;
  form.dataset.kind = kind;
  form.replaceChildren(h('label', { for: fieldId, class: 'label' }, edit ? 'Edited reply' : 'Reason (optional)'), field, hint,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', onclick: () => { form.hidden = true; } }, 'Cancel')));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const text = field.value.trim();
    if (edit && !text) { field.focus(); return; }
    const reply = await sendAction({ action: action.id, ...(text ? { text: field.value } : {}) }, [...buttons, submit]);
    if (!reply) return;
    form.hidden = true;
    if (!edit) return;
    // Shown on the card now, and on the card as it is redrawn while the draft stays pending.
    state.editAnswers.set(card.draftId, reply.text);
    const shown = editAnswer(card);
    const old = form.parentElement && form.parentElement.querySelector('[data-testid="edit-answer"]');
    if (old) old.remove();
    if (shown) form.after(shown);
  };
  form.hidden = false;
  field.focus();
}

function renderMessages() {
  const box = $('messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const first = state.rendered.size === 0;
  const seen = new Set();
  const nodes = state.messages.map((m) => {
    seen.add(m.id);
    const key = JSON.stringify(m);
    const old = state.rendered.get(m.id);
    if (old && old.key === key) return old.el;
    const el = renderMessage(m);
    state.rendered.set(m.id, { key, el });
    return el;
  });
  for (const id of [...state.rendered.keys()]) if (!seen.has(id)) state.rendered.delete(id);
  if (nodes.length === 0) nodes.push(h('p', { class: 'empty' }, isDesk(state.room) ? 'No cards yet. Drafts appear here as members ask questions.' : 'No messages yet. Say hello!'));
  // Keep unchanged elements in place so an open editor or focused button survives a refresh.
  nodes.forEach((node, i) => { if (box.children[i] !== node) box.insertBefore(node, box.children[i] || null); });
  while (box.children.length > nodes.length) box.lastElementChild.remove();
  if (first || nearBottom) box.scrollTop = box.scrollHeight;
}

async function refresh() {
  const room = state.room;
  const seq = ++state.seq;
  try {
    const data = await api('GET', `/api/sandbox/messages?chat=${encodeURIComponent(room)}`);
    if (seq !== state.seq || room !== state.room) return;
    state.messages = data.messages;
    renderMessages();
  } catch (error) {
    if (room === state.room) notice(`Could not load messages: ${error.message}`, true);
  }
}

let refreshTimer = 0;
const refreshSoon = () => { clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 80); };

/* ---- posting ---- */
async function send() {
  const input = $('message');
  const err = $('composer-error');
  const text = input.value;
  if (!text.trim()) return;
  if (needName()) return;
  const button = document.querySelector('[data-testid="send-button"]');
  button.disabled = true;
  err.hidden = true;
  try {
    await api('POST', '/api/sandbox/messages', { chat: state.room, user: userName(), text });
    if (input.value === text) input.value = '';
    if (!state.rooms.includes(state.room) && !isDesk(state.room)) loadRooms().catch(() => {});
    refreshSoon();
  } catch (error) {
    err.textContent = error.message;
    err.hidden = false;
  } finally {
    button.disabled = false;
    input.focus();
  }
}

$('composer').addEventListener('submit', (event) => { event.preventDefault(); send(); });
$('message').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); send(); }
});
$('notice').addEventListener('click', () => { $('notice').hidden = true; });
$('name').value = localStorage.getItem(NAME_KEY) || '';
$('name').addEventListener('input', () => localStorage.setItem(NAME_KEY, userName()));
$('name').addEventListener('change', () => {
  for (const m of state.messages) state.rendered.get(m.id)?.el.classList.toggle('mine', !m.fromBot && m.user === userName());
});
$('join').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = $('join-name').value.trim().toLowerCase();
  if (!ROOM_NAME.test(name)) return;
  $('join-name').value = '';
  selectRoom(name);
});
window.addEventListener('hashchange', () => { const room = location.hash.slice(1).toLowerCase(); if (room !== state.room) selectRoom(room); });

/* ---- live updates: server-sent events, polling while the stream is down ---- */
let pollTimer = 0;
function connect() {
  const events = new EventSource('/api/sandbox/events');
  events.addEventListener('change', (event) => {
    let change;
    try { change = JSON.parse(event.data); } catch { return; }
    if (change.chat === state.room) return refreshSoon();
    if (!state.rooms.includes(change.chat) && !isDesk(change.chat)) loadRooms().catch(() => {});
    if (change.kind === 'created') {
      state.unread.set(change.chat, (state.unread.get(change.chat) || 0) + 1);
      renderRooms();
    }
  });
  events.addEventListener('open', () => {
    if (pollTimer) { clearInterval(pollTimer); pollTimer = 0; refreshSoon(); }
  });
  events.addEventListener('error', () => {
    if (!pollTimer) pollTimer = setInterval(() => { refresh(); loadRooms().catch(() => {}); }, POLL_MS);
  });
}

(async function start() {
  try { await loadRooms(); } catch (error) { notice(`Could not reach Jamii: ${error.message}`, true); }
  const wanted = location.hash.slice(1).toLowerCase();
  selectRoom(ROOM_NAME.test(wanted) ? wanted : state.rooms[0] || 'general');
  connect();
  if (!userName()) $('name').focus();
})();
