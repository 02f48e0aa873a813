// Which view shows: the URL's hash (#live, #runs, #explore); by default the live view while a run reports, else the runs.
'use strict';
(function (SN) {
  const views = ['live', 'runs', 'explore'];
  let live = false;

  let gone = false;
  let current = null;

  // The Live tab says in its own status line that the server stopped; the other tabs say it in a line above them.
  function banner() {
    const el = document.getElementById('server-stopped');
    el.textContent = gone ? SN.stoppedNotice() : '';
    el.hidden = !gone || current === 'live';
  }

  SN.serverGone = function (value) {
    gone = value;
    banner();
  };

  function show() {
    let view = location.hash.replace('#', '');
    if (!views.includes(view)) { view = live ? 'live' : 'runs'; }
    current = view;
    banner();
    views.forEach(v => {
      document.getElementById('view-' + v).hidden = v !== view;
      const link = document.getElementById('nav-' + v);
      if (v === view) { link.setAttribute('aria-current', 'page'); } else { link.removeAttribute('aria-current'); }
    });
    if (view === 'runs') { SN.loadRuns(); }
    if (view === 'explore') { SN.startExplorer(); }
    SN.Chart.fit();
  }

  // A page opened before the run began (the URL is logged before the data loads) moves to the live view when it starts, unless the user chose a view.
  SN.liveRunStarted = function () {
    if (live) { return; }
    live = true;
    if (!views.includes(location.hash.replace('#', ''))) { show(); }
  };

  window.addEventListener('hashchange', show);
  // serve's page follows no feed (none reports to serve): it only watches that the server is there.
  let serving = false;
  SN.getJson('api/live').then(s => { live = s.live; serving = s.serving; SN.browseCommand = s.browse; if (s.serving) { SN.serving(s.port); } }).catch(() => { live = false; }).finally(() => {
    if (serving) { SN.watchServer(); } else { SN.startLive(); }
    show();
  });
})(window.SN);
