// The door-knocking app: a walk list door by door on a phone, with or
// without signal. Records wait in IndexedDB (what the walker typed, never
// the list's residents), each with its walker's id, and are sent when the
// phone is online and that walker signed in; the doors and residents come
// from the service worker's cache when offline, and go at sign-out.
'use strict';

(() => {
  const CACHE = 'tredegar-walks';
  const OUTCOMES = new Map([['not_home', 'Not home'], ['spoke', 'Spoke to someone'], ['refused', 'Refused'], ['moved', 'Moved away'], ['come_back', 'Come back later']]);

  // The sign-in page: whoever was walking has signed out (or been signed
  // out), so the residents kept on this phone go. Waiting records stay.
  if (document.querySelector('[data-forget-walks]')) {
    if (window.caches) caches.delete(CACHE);
    return;
  }
  const root = document.getElementById('walk-app');
  if (!root) return;
  const urls = root.dataset;
  const $ = (id) => document.getElementById(id);

  if ('serviceWorker' in navigator) navigator.serviceWorker.register(urls.worker, { scope: '/' }).catch(() => {});

  // --- The queue of records, in IndexedDB.
  const opened = new Promise((resolve, reject) => {
    const request = indexedDB.open('tredegar-walks', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('records', { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  async function store(mode, work) {
    const db = await opened;
    return new Promise((resolve, reject) => {
      const tx = db.transaction('records', mode);
      const result = work(tx.objectStore('records'));
      tx.oncomplete = () => resolve(result && result.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  // This list's records made by whoever is signed in (as the data last said).
  const waiting = async () => (await store('readonly', (s) => s.getAll()))
    .filter((r) => r.sync === urls.sync && (!data || r.user === data.user));
  const keep = (record) => store('readwrite', (s) => s.put(record));
  const forget = (id) => store('readwrite', (s) => s.delete(id));

  // A random UUID, also where crypto.randomUUID is missing (plain http).
  function uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- Building the page, with text nodes only: nothing from the data is parsed as HTML.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === true) e.setAttribute(k, '');
      else if (v !== false && v !== undefined && v !== null) e.setAttribute(k, v);
    }
    for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const choice = (type, name, value, label, checked) =>
    el('label', { class: 'choice' }, el('input', { type, name, value, checked }), ' ', label);

  let data = null;
  let signedOut = false;

  async function load() {
    try {
      const response = await fetch(urls.data, { credentials: 'same-origin', redirect: 'manual', headers: { Accept: 'application/json' } });
      if (response.type === 'opaqueredirect' || response.status === 401) {
        signedOut = true;
        const copy = window.caches && (await caches.match(urls.data, { ignoreVary: true }));
        if (copy && !data) data = await copy.json();
      } else if (response.status === 404) {
        if (window.caches) {
          const cache = await caches.open(CACHE);
          await Promise.all([cache.delete(urls.data), cache.delete(urls.app)]);
        }
        // What is waiting can no longer go: show it, to pass on or throw away.
        for (const r of await waiting()) {
          if (!r.error) await keep({ ...r, error: 'the list was closed, or is no longer yours: tell the organiser what you recorded' });
        }
        data = null;
        $('gone').hidden = false;
      } else if (response.ok) {
        signedOut = false;
        if (window.caches) {
          // Kept here as well as by the service worker, which does not see the first visit.
          const cache = await caches.open(CACHE);
          await cache.put(urls.data, response.clone());
          await cache.addAll([urls.app, urls.script, urls.style]).catch(() => {});
        }
        data = await response.json();
      }
    } catch (offline) {
      const copy = window.caches && (await caches.match(urls.data, { ignoreVary: true }));
      if (copy && !data) data = await copy.json();
    }
    $('signed-out').hidden = !signedOut;
  }

  async function showCount() {
    const records = await waiting();
    const unsent = records.filter((r) => !r.error).length;
    const refused = records.filter((r) => r.error);
    $('waiting').textContent = unsent > 0
      ? `${unsent} ${unsent === 1 ? 'record' : 'records'} waiting to send${navigator.onLine ? '' : ': they go when there is signal'}.`
      : refused.length > 0 ? `Nothing waiting to send; ${refused.length} could not be sent (below).` : 'Every record is sent.';
    const box = $('refused');
    box.replaceChildren(...refused.map((r) => el('p', { class: 'notice warning' }, `Not sent (${r.door}): ${r.error} `,
      button('Throw it away', async () => { await forget(r.id); await render(); }))));
    box.hidden = refused.length === 0;
  }

  function button(label, onclick, primary) {
    const b = el('button', { type: 'button', class: primary ? 'primary' : null }, label);
    b.addEventListener('click', onclick);
    return b;
  }

  async function render() {
    await showCount();
    const list = $('doors');
    if (!data) {
      list.replaceChildren();
      return;
    }
    const records = await waiting();
    list.replaceChildren(...data.doors.map((d) => {
      const here = records.filter((r) => r.unit_id === d.unit_id);
      const status = here.some((r) => r.error) ? ' (not sent)'
        : here.length ? ' (waiting to send)'
        : d.last_outcome ? ` (last time: ${OUTCOMES.get(d.last_outcome) || d.last_outcome})` : '';
      const names = d.residents.length ? d.residents.map((r) => r.name).join(', ') : 'Nobody known here';
      return el('li', { 'data-unit': d.unit_id }, button(`${d.label}, ${d.building}${status}`, () => openDoor(d)), el('span', { class: 'hint' }, names));
    }));
  }

  // --- One door's form.
  function openDoor(d) {
    const section = $('door');
    const form = el('form', { novalidate: true });
    const error = el('p', { class: 'field-error', role: 'alert', hidden: true });
    const fieldset = (legend, ...body) => el('fieldset', {}, el('legend', {}, legend), ...body);
    const say = (name, label, rows) => el('div', { class: 'field' }, el('label', { for: `app-${name}` }, label), rows
      ? el('textarea', { id: `app-${name}`, name, rows })
      : el('input', { id: `app-${name}`, name }));
    const select = (name, label, none, options) => el('div', { class: 'field' }, el('label', { for: `app-${name}` }, label),
      el('select', { id: `app-${name}`, name }, el('option', { value: '' }, none), options.map((o) => el('option', { value: o.value }, o.label))));
    const outcomes = [...OUTCOMES];
    const scale = ['1', '2', '3', '4', '5'].map((v) => [v, v]);
    const answers = data.questions.map((q) => {
      const name = `answer_${q.id}`;
      const options = q.kind === 'yes_no' ? [['yes', 'Yes'], ['no', 'No']] : q.kind === 'scale' ? scale : q.choices.map((c) => [c, c]);
      return fieldset(q.prompt, q.kind === 'text'
        ? el('textarea', { name, rows: 2, 'aria-label': q.prompt })
        : el('div', { class: 'choices' }, options.map(([v, l]) => choice('radio', name, v, l)), choice('radio', name, '', 'Not answered', true)));
    });
    form.append(
      el('h2', {}, `${d.label}, ${d.building}`),
      el('p', { class: 'hint' }, d.residents.length ? `Lives here: ${d.residents.map((r) => r.name).join(', ')}` : 'Nobody we know of lives here yet.'),
      error,
      fieldset('What happened?', el('div', { class: 'choices' }, outcomes.map(([v, l]) => choice('radio', 'outcome', v, l)))),
      ...answers,
      fieldset('Who did you speak to?', el('div', { class: 'choices' },
        choice('radio', 'person', '', 'Nobody, or they would not say', true),
        d.residents.map((r) => choice('radio', 'person', r.person_id, r.name)),
        choice('radio', 'person', 'new', 'Someone new who lives here')),
      say('given_name', 'Someone new: first name'), say('family_name', 'Last name (optional)'), say('phone', 'Phone (optional)')),
      el('details', {}, el('summary', {}, 'If you spoke: what was said, and the assessment'),
        say('self_interest', 'What do they care about?', 3),
        fieldset('Issues raised', el('div', { class: 'choices' }, data.themes.map((t) => choice('checkbox', 'theme', t, t)))),
        say('issues', 'Other issues (separate them with commas)'),
        select('campaign', 'Assessment for the campaign', 'No assessment', data.campaigns),
        select('level', 'Level', 'No change', data.levels),
        say('notes', 'Notes', 3)),
      button('Save and go to the next door', () => save(d, form, error), true),
      button('Back to the doors', () => closeDoor(d)));
    section.replaceChildren(form);
    section.hidden = false;
    $('doors').hidden = true;
    form.querySelector('h2').setAttribute('tabindex', '-1');
    form.querySelector('h2').focus();
  }

  function closeDoor(d) {
    $('door').hidden = true;
    $('doors').hidden = false;
    const b = d && document.querySelector(`[data-unit="${d.unit_id}"] button`);
    if (b) b.focus();
  }

  async function save(d, form, error) {
    const f = new FormData(form);
    const text = (name) => String(f.get(name) || '').trim();
    // The server's rules, so a record is not refused later, out of signal.
    const person = text('person');
    const answered = data.questions.some((q) => text(`answer_${q.id}`));
    const words = ['self_interest', 'issues', 'notes'].some(text) || f.getAll('theme').length > 0;
    const said = words || Boolean(text('level'));
    const problem = !f.get('outcome') ? 'Choose what happened at the door.'
      : text('outcome') !== 'spoke' && (person || answered || said) ? 'Choose "Spoke to someone" to keep whom you spoke to, their answers or what was said.'
      : said && !person ? 'Choose whom you spoke to, to keep what was said.'
      : said && !words ? 'Write something about what was said (what they care about, an issue or a note) to keep an assessment.'
      : text('level') && !text('campaign') ? 'Choose the campaign the assessment is for.'
      : person === 'new' && !text('given_name') ? 'Give the first name of the person you met.'
      : person !== 'new' && (text('given_name') || text('family_name') || text('phone')) ? 'Choose "Someone new who lives here" to keep the name and phone you typed.' : null;
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      error.scrollIntoView();
      return;
    }
    const answers = {};
    for (const q of data.questions) {
      const a = text(`answer_${q.id}`);
      if (a) answers[q.id] = a;
    }
    const issues = [...f.getAll('theme'), text('issues')].filter(Boolean).join(', ');
    const body = {
      id: uuid(), unit_id: d.unit_id, outcome: text('outcome'), answers, knocked_at: new Date().toISOString(),
      person_id: person && person !== 'new' ? person : null,
      new_resident: person === 'new' ? { given_name: text('given_name'), family_name: text('family_name'), phone: text('phone') } : null,
      said: { self_interest: text('self_interest'), issues, notes: text('notes'), campaign_id: text('campaign'), level: text('level') },
    };
    await keep({ id: body.id, sync: urls.sync, user: data.user, unit_id: d.unit_id, door: d.label, body, error: null });
    closeDoor();
    await render();
    const after = data.doors.slice(data.doors.indexOf(d) + 1).find((x) => !x.last_outcome);
    if (after) document.querySelector(`[data-unit="${after.unit_id}"] button`).focus();
    sync();
  }

  // --- Sending: one record at a time, each kept until the server has it.
  // Signal on a doorstep comes and goes: a send that fails is tried again
  // soon, then less often; a call made while sending runs once it ends.
  let sending = false;
  let again = false;
  let retry = null;
  let pause = 2000;
  function later() {
    clearTimeout(retry);
    retry = setTimeout(sync, pause);
    pause = Math.min(pause * 2, 30000);
  }
  async function sync() {
    if (sending) { again = true; return showCount(); }
    if (!navigator.onLine) return showCount();
    sending = true;
    again = false;
    try {
      if ((await waiting()).every((r) => r.error)) return;
      await load();
      if (signedOut || !data) return;
      for (const r of (await waiting()).filter((r) => !r.error)) {
        let response;
        try {
          response = await fetch(urls.sync, {
            method: 'POST', credentials: 'same-origin', redirect: 'manual',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': data.csrf },
            // The phone's clock now, so the server can put right a clock that is wrong.
            body: JSON.stringify({ ...r.body, sent_at: new Date().toISOString() }),
          });
        } catch (offline) {
          return later();
        }
        if (response.ok) {
          clearTimeout(retry);
          pause = 2000;
          await forget(r.id);
          const door = data.doors.find((x) => x.unit_id === r.unit_id);
          if (door) door.last_outcome = r.body.outcome;
        } else if (response.type === 'opaqueredirect' || response.status === 401 || response.status === 403) {
          signedOut = true;
          $('signed-out').hidden = false;
          return;
        } else if (response.status === 400 || response.status === 404 || response.status === 409) {
          const said = await response.json().catch(() => ({}));
          await keep({ ...r, error: said.error || 'the server refused it' });
        } else {
          return later();
        }
      }
    } finally {
      sending = false;
      await render();
      if (again) sync();
    }
  }

  window.addEventListener('online', sync);
  window.addEventListener('offline', showCount);
  setInterval(sync, 30000);
  load().then(render).then(sync);
})();
