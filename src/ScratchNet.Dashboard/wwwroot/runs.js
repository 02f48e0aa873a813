// The runs view: every run of the runs folder, several runs' curves on one chart, one run's configuration.
'use strict';
(function (SN) {
  const $ = id => document.getElementById(id);
  // A run's details are fetched again whenever the list says its history changed (a run still training gains epochs).
  const details = new Map();
  const versions = new Map();
  let charts = null;
  let shown = null;
  let summary = '';
  // Ticking several boxes quickly starts several comparisons; only the latest may draw (an earlier one may finish last).
  let comparison = 0;

  // fresh: read again whatever the list said (a run chosen by name may have been deleted since the list was drawn).
  async function load(id, fresh) {
    const version = versions.get(id);
    const cached = details.get(id);
    if (fresh || !cached || cached.version !== version) { details.set(id, { version, run: await SN.getJson('api/runs/' + encodeURIComponent(id)) }); }
    return details.get(id).run;
  }

  // What a run was judged on, in its own words ("test" or "validation"); runs that do not say are "held-out".
  const heldOut = r => r.heldOut || 'held-out';
  // True when metrics.json names an epoch other than the history's last: early stopping put that epoch's weights back.
  const restored = (epoch, last) => typeof epoch === 'number' && last !== null && epoch !== last.epoch;
  // Which rows it was judged on (the data, the split, its seed and fraction), or null where the run does not record it:
  // such a run is of unknown comparability, not "different".
  const setOf = r => r.heldOutSet || null;
  const capital = text => text.charAt(0).toUpperCase() + text.slice(1);
  const list = items => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

  // What the page must say about comparing these runs: sets that differ, and runs that do not say which set they had.
  // A run that names its split's kind but not its settings still differs from runs of the other kind.
  function compareNote(runs) {
    const sentences = [];
    const label = r => setOf(r) || (r.heldOut ? `${r.heldOut} rows whose settings are not recorded` : null);
    const labelled = runs.filter(label);
    const kinds = new Set(runs.filter(r => r.heldOut).map(r => r.heldOut));
    const sets = Array.from(new Set(labelled.map(label))).sort();
    if (kinds.size > 1 || new Set(runs.filter(setOf).map(setOf)).size > 1) {
      const groups = sets.map(set => `${list(labelled.filter(r => label(r) === set).map(r => r.id).sort())} on ${set}`);
      sentences.push(`The ticked runs were judged on different held-out sets (${groups.join('; ')}), so their curves do not compare like with like.`);
    }
    // Unknown: no set recorded, and some other ticked run could have had the same one.
    const unknown = runs.length < 2 ? [] : runs.filter(r => !setOf(r) && (!r.heldOut || runs.some(o => o !== r && (!o.heldOut || o.heldOut === r.heldOut))));
    if (unknown.length) {
      const one = unknown.length === 1;
      const against = unknown.length < runs.length ? ' with the other runs' : '';
      sentences.push(`${list(unknown.map(r => r.id).sort())} ${one ? 'does' : 'do'} not record which held-out rows ${one ? 'it was' : 'they were'} judged on, so it is unknown whether ${one ? 'its' : 'their'} curves compare like with like${against}.`);
    }
    return sentences.join(' ');
  }

  // One name when every run shares it, else "held-out" (and the runs say which they are).
  function sharedName(runs) {
    const names = new Set(runs.map(heldOut));
    return names.size === 1 ? names.values().next().value : 'held-out';
  }

  // A run's error names the run, once: the server's reason often names it already ("There is no run 'X' …"); a server
  // that is gone is no run's doing.
  const about = (id, e) => (e.gone || e.message.includes(id) ? e.message : `${id}: ${e.message}`);

  // An error stays only until the next thing works.
  function status(text) { $('runs-status').textContent = text || summary; }

  // One x column (the union of epochs) and one y column per run, null where a run has no such epoch.
  function aligned(runs, pick) {
    const epochs = Array.from(new Set(runs.flatMap(r => r.history.map(h => h.epoch)))).sort((a, b) => a - b);
    return [epochs].concat(runs.map(r => {
      const byEpoch = new Map(r.history.map(h => [h.epoch, pick(h)]));
      return epochs.map(e => (byEpoch.has(e) ? byEpoch.get(e) : null));
    }));
  }

  async function compare() {
    const mine = ++comparison;
    const ids = Array.from(document.querySelectorAll('#runs-table input[type=checkbox]:checked')).map(c => c.value);
    const runs = [];
    const failed = [];
    let unanswered = false;
    for (const id of ids) {
      try { runs.push(await load(id)); } catch (e) { if (e.gone) { unanswered = true; } else { failed.push(about(id, e)); } }
    }
    if (mine !== comparison) { return; }
    // A server that is gone is said once, not once per ticked run.
    status(unanswered ? SN.unanswered : failed.join('; '));
    if (!charts) {
      charts = {
        accuracy: new SN.Chart($('chart-compare-accuracy'), [], { wholeX: true }),
        loss: new SN.Chart($('chart-compare-loss'), [], { wholeX: true }),
      };
    }
    const name = sharedName(runs);
    const mixed = new Set(runs.map(heldOut)).size > 1;
    const series = runs.map(r => ({ label: mixed ? `${r.id} (${heldOut(r)})` : r.id }));
    $('compare-accuracy-caption').textContent = `${capital(name)} accuracy of the ticked runs`;
    $('compare-loss-caption').textContent = `${capital(name)} loss of the ticked runs`;
    const note = $('compare-note');
    note.textContent = compareNote(runs);
    note.hidden = !note.textContent;
    charts.accuracy.set(series, aligned(runs, h => h.valAcc));
    charts.loss.set(series, aligned(runs, h => h.valLoss));
  }

  // config.json is shown as it is: an object of keys (a value, or { value, source }), or a list of { key, value, source }.
  function configRows(config) {
    if (Array.isArray(config)) { return config.map(e => (e && typeof e === 'object' ? [e.key ?? e.name ?? '', e.value, e.source] : ['', e, ''])); }
    if (config && typeof config === 'object') {
      const holder = config.settings || config.configuration || config.keys || config;
      if (Array.isArray(holder)) { return configRows(holder); }
      return Object.entries(holder).map(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? [k, v.value, v.source] : [k, typeof v === 'object' ? JSON.stringify(v) : v, '']));
    }
    return [];
  }

  async function show(id, fresh) {
    const run = await load(id, fresh);
    shown = id;
    $('run-details').hidden = false;
    $('run-details-title').textContent = `Run ${run.id}`;
    const m = run.metrics && typeof run.metrics === 'object' ? run.metrics : null;
    const last = run.history.length ? run.history[run.history.length - 1] : null;
    $('run-details-metrics').textContent = run.error
      ? run.error
      : m && typeof m.accuracy === 'number'
        ? `Final model${restored(m.epoch, last) ? ` (epoch ${m.epoch}'s weights, restored by early stopping)` : ''}: accuracy ${SN.format(m.accuracy)}, loss ${SN.format(m.loss)}, macro F1 ${SN.format(m.macro_f1)} on the ${heldOut(run)} split (${typeof m.rows === 'number' ? m.rows.toLocaleString('en') : m.rows} rows).`
        : (last ? `Last epoch ${last.epoch}: ${heldOut(run)} accuracy ${SN.format(last.valAcc)}, loss ${SN.format(last.valLoss)}.` : `No epoch finished${run.state ? ` (the run is ${run.state === 'lost' ? 'stopped: its process is gone' : run.state})` : ''}.`);
    const body = document.querySelector('#run-config tbody');
    body.textContent = '';
    const rows = run.config ? configRows(run.config) : Object.entries(run.modelConfiguration || {}).map(([k, v]) => [k, v, 'model.snm']);
    for (const [k, v, source] of rows) {
      const row = body.insertRow();
      row.insertCell().textContent = k;
      row.insertCell().textContent = v === null || v === undefined ? '' : String(v);
      row.insertCell().textContent = source || '';
    }
    document.querySelector('#run-config caption').textContent = run.config ? 'Configuration (config.json)' : (rows.length ? 'Configuration recorded in model.snm' : 'No configuration recorded for this run');
    $('run-confusion-caption').textContent = `Confusion matrix of the final model on the ${heldOut(run)} split (metrics.json; rows true, columns predicted; ${SN.confusionScale})`;
    const canvas = $('run-confusion');
    status();
    if (m && Array.isArray(m.confusion_matrix)) {
      SN.drawConfusion(canvas, m.confusion_matrix, m.class_names);
      SN.confusionTable($('run-confusion-table'), m.confusion_matrix, m.class_names);
    } else {
      SN.clearConfusion(canvas);
      $('run-confusion-table').textContent = '';
    }
  }

  // A run deleted since the list was drawn: the list is drawn again without it, and the reason stays in view.
  async function gone(id, e) {
    // Its details, if open, are of a run that no longer exists: they go with its row.
    if (shown === id) { shown = null; $('run-details').hidden = true; }
    await SN.loadRuns();
    status(about(id, e));
  }

  // The list is read when the tab opens, with the Refresh button, and when the window comes back into view, so runs
  // added or deleted meanwhile show without a reload.
  const runsShown = () => !$('view-runs').hidden;
  $('runs-refresh').addEventListener('click', () => SN.loadRuns());
  window.addEventListener('focus', () => { if (runsShown()) { SN.loadRuns(); } });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && runsShown()) { SN.loadRuns(); } });

  SN.loadRuns = async function () {
    let runs;
    try { runs = await SN.getJson('api/runs'); } catch (e) { $('runs-status').textContent = e.message; return; }
    const body = document.querySelector('#runs-table tbody');
    body.textContent = '';
    summary = runs.length ? `${runs.length.toLocaleString('en')} ${runs.length === 1 ? 'run' : 'runs'}.` : 'No runs yet: a run appears here as soon as train starts it.';
    status();
    // Only the runs there now: a deleted run's version would let its cached details be shown again.
    versions.clear();
    runs.forEach(r => versions.set(r.id, `${r.lastWriteUtc}|${r.epochs}|${r.state}`));
    // Newest first, by when the history was last written: run folders may have any name.
    const byTime = runs.slice().sort((a, b) => (a.lastWriteUtc === b.lastWriteUtc ? (a.id < b.id ? 1 : -1) : (a.lastWriteUtc < b.lastWriteUtc ? 1 : -1)));
    const ticked = new Set(Array.from(document.querySelectorAll('#runs-table input[type=checkbox]:checked')).map(c => c.value));
    // A run with no finished epoch is listed (with its state) but has no curve to tick by default.
    const newest = new Set(byTime.filter(r => r.epochs > 0).slice(0, 2).map(r => r.id));
    const name = capital(sharedName(runs));
    $('runs-accuracy-heading').textContent = `${name} accuracy`;
    $('runs-loss-heading').textContent = `${name} loss`;
    for (const r of byTime) {
      const row = body.insertRow();
      const check = document.createElement('input');
      check.type = 'checkbox'; check.value = r.id; check.checked = ticked.size ? ticked.has(r.id) : newest.has(r.id);
      check.setAttribute('aria-label', `Compare run ${r.id}`);
      check.addEventListener('change', compare);
      row.insertCell().append(check);
      const name = document.createElement('button');
      name.type = 'button'; name.className = 'link'; name.textContent = r.id;
      name.addEventListener('click', () => show(r.id, true).catch(e => (e.status === 404 ? gone(r.id, e) : status(about(r.id, e)))));
      row.insertCell().append(name);
      // A run that has not finished says so: still training, or stopped (and resumable) before its last epoch.
      // "lost": run.json still says running, but no process holds the run's lock (killed, crashed, its machine went down).
      const state = r.state === 'lost' ? 'stopped: its process is gone' : r.state;
      row.insertCell().textContent = state && state !== 'finished' ? `${r.epochs} (${state})` : r.epochs;
      const judged = row.insertCell();
      judged.textContent = r.heldOut || 'unknown';
      judged.title = setOf(r) ? capital(setOf(r)) : 'This run does not record which held-out rows it was judged on';
      row.insertCell().textContent = SN.format(r.validationAccuracy);
      row.insertCell().textContent = SN.format(r.bestValidationAccuracy);
      row.insertCell().textContent = SN.format(r.validationLoss);
      // The saved model's own figure: after early stopping restored an earlier epoch, not the last epoch's.
      const saved = row.insertCell();
      saved.textContent = typeof r.modelAccuracy === 'number'
        ? `${SN.format(r.modelAccuracy)}${r.modelEpoch && r.modelEpoch !== r.epochs ? ` (epoch ${r.modelEpoch})` : ''}`
        : '–';
      const model = row.insertCell();
      if (r.hasModel) {
        const link = document.createElement('a');
        link.href = '#explore';
        link.textContent = 'explore';
        // Ten links that all read "explore" say nothing to a screen reader: each names its run.
        link.setAttribute('aria-label', `explore the model of run ${r.id}`);
        link.addEventListener('click', () => SN.selectModel && SN.selectModel(r.id));
        model.append(link);
        // A damaged report beside a good model is still named.
        if (r.error) { model.append(` ${r.error}`); }
      } else { model.textContent = r.error ? r.error : '–'; }
    }
    await compare();
    if (shown && versions.has(shown)) { await show(shown).catch(e => status(about(shown, e))); }
  };
})(window.SN);
