namespace ImproveBot.Host.Local;

/// <summary>The playground's single HTML page. User text is only ever inserted with <c>textContent</c>, never as HTML.</summary>
internal static class LocalPlaygroundPage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ImproveBot playground</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
  input[type=text], textarea { width: 100%; box-sizing: border-box; font: inherit; padding: .3rem; }
  button { font: inherit; margin: .2rem .3rem .2rem 0; cursor: pointer; }
  .row { display: flex; gap: .5rem; align-items: center; } .row > * { flex: 1; } .row > button { flex: 0; }
  pre, .msg { white-space: pre-wrap; background: #f6f6f6; padding: .6rem; border-radius: 6px; }
  .msg { margin: .4rem 0; } .meta { color: #777; font-size: .8rem; }
  .note { background: #fff6d6; padding: .5rem; border-radius: 6px; }
</style>
</head>
<body>
<h1>ImproveBot playground</h1>
<p class="note">No chat platform is configured, so this page stands in for Slack or Discord. Act as anyone by typing a name;
act as <b>lead</b> for admin commands. Try <code>/idea read with a question first #reading</code>, then run the weekly prompt.</p>

<div class="row"><label>User <input id="user" type="text" value="ada"></label></div>

<h2>Command</h2>
<div class="row"><input id="text" type="text" value="/idea read with a question first #reading"><button id="send">Send</button></div>
<pre id="reply"></pre>
<form id="form" hidden></form>

<h2>Jobs</h2>
<button data-job="prompt">Run weekly prompt</button><button data-job="reminder">Run reminder</button><button data-job="digest">Post digest</button>
<pre id="job"></pre>

<h2>Inbox <button id="refresh">Refresh</button></h2>
<div id="inbox"></div>

<h2>Team channel</h2>
<div id="channel"></div>

<script>
const $ = id => document.getElementById(id);
const user = () => $('user').value.trim();
async function call(method, url, body) {
  const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => ({ error: res.statusText }));
  return { ok: res.ok, data };
}
function show(el, data) { el.textContent = data.text ?? data.error ?? JSON.stringify(data, null, 2); }
function renderForm(form) {
  const f = $('form'); f.replaceChildren(); f.hidden = !form; if (!form) return;
  const title = document.createElement('h2'); title.textContent = form.title; f.append(title);
  for (const field of form.fields) {
    const label = document.createElement('label'); label.textContent = field.label;
    const input = document.createElement('textarea'); input.name = field.id; input.maxLength = field.maxLength; input.rows = 3;
    if (field.placeholder) input.placeholder = field.placeholder;
    label.append(input); f.append(label);
  }
  const submit = document.createElement('button'); submit.textContent = 'Submit reflection'; submit.type = 'submit'; f.append(submit);
  f.onsubmit = async e => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(f).entries());
    const r = await call('POST', '/local/action', { user: user(), action: form.submitActionId, values });
    show($('reply'), r.data); if (r.ok) renderForm(null);
  };
}
async function press(action) {
  const r = await call('POST', '/local/action', { user: user(), action });
  show($('reply'), r.data); renderForm(r.data.form); refresh();
}
function renderMessages(el, messages, withActions) {
  el.replaceChildren();
  if (!messages.length) { el.textContent = '(nothing yet)'; return; }
  for (const m of messages.slice().reverse()) {
    const div = document.createElement('div'); div.className = 'msg';
    const meta = document.createElement('div'); meta.className = 'meta'; meta.textContent = `${m.kind} · ${new Date(m.at).toLocaleString()}`;
    const text = document.createElement('div'); text.textContent = m.text;
    div.append(meta, text);
    if (withActions) for (const a of m.actions) {
      const b = document.createElement('button'); b.textContent = a.label; b.onclick = () => press(a.id); div.append(b);
    }
    el.append(div);
  }
}
async function refresh() {
  const inbox = await call('GET', `/local/inbox/${encodeURIComponent(user())}`);
  if (inbox.ok) renderMessages($('inbox'), inbox.data, true); else show($('inbox'), inbox.data);
  const channel = await call('GET', '/local/channel');
  if (channel.ok) renderMessages($('channel'), channel.data, false);
}
$('send').onclick = async () => {
  const r = await call('POST', '/local/command', { user: user(), text: $('text').value });
  show($('reply'), r.data); renderForm(r.data.form); refresh();
};
$('text').addEventListener('keydown', e => { if (e.key === 'Enter') $('send').click(); });
for (const b of document.querySelectorAll('[data-job]')) b.onclick = async () => {
  const r = await call('POST', `/local/jobs/${b.dataset.job}/run`);
  $('job').textContent = JSON.stringify(r.data); refresh();
};
$('refresh').onclick = refresh; $('user').onchange = refresh;
refresh();
</script>
</body>
</html>
""";
}
