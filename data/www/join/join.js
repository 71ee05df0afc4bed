/*
 * Copyright 2026 The eboard authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The join page of an eBoard session: reads the personal join link
 * (#session=<id>&credential=<credential>), follows the session's state,
 * publishes the camera and microphone over WHIP, views the others over
 * WHEP and follows the live events over a WebSocket. Every request
 * carries the join credential as a bearer token; the credential is never
 * logged.
 */
'use strict';

(() => {
  /* How often the state is read again: the fallback for a missed event. */
  const POLL_MS = 3000;
  /* The longest wait for ICE gathering before an offer is sent anyway. */
  const ICE_GATHERING_TIMEOUT_MS = 5000;
  /* A view missing someone who publishes (not ready yet, or a stream
   * this browser cannot receive) is asked for again after this, doubling
   * while nothing changes. */
  const VIEW_RETRY_MIN_MS = 4000;
  const VIEW_RETRY_MAX_MS = 60000;
  /* A failed publish is tried again after this. */
  const PUBLISH_RETRY_MS = 3000;
  /* Events socket reconnection delays (doubling up to the maximum). */
  const SOCKET_RETRY_MIN_MS = 1000;
  const SOCKET_RETRY_MAX_MS = 15000;
  /* Leaving does not wait longer than this for the server's answers. */
  const LEAVE_TIMEOUT_MS = 2000;

  /* Phases of the page: only "waiting" and "live" take part. */
  const TERMINAL = new Set(['left', 'removed', 'ended', 'refused']);

  const page = {
    link: null, // { sessionId, credential }
    conf: null, // the last conference state read
    phase: 'loading', // loading, waiting, live, left, removed, ended, refused
    admitted: false, // the state was read once: a later 403 means removed
    generation: 0, // bumped when media stop: late async results are dropped
    local: null, // the camera and microphone MediaStream
    whip: null, // { pc, location, startedAt }
    whep: null, // { pc, location, lines, key, complete, at, retryMs }
    publishing: false,
    viewWanted: false,
    viewBusy: false,
    forceView: false,
    socket: null,
    socketDelay: SOCKET_RETRY_MIN_MS,
    socketTimer: 0,
    pollTimer: 0,
    refreshing: null,
    refreshAgain: false,
    stateSeq: 0,
    appliedSeq: 0,
    soundBlocked: false,
    troubled: false, // the status tells of a passing problem
    eventCounts: {}, // events received, by kind (for ebJoinDebug)
    closeCodes: [], // the events socket's close codes (for ebJoinDebug)
  };

  const $ = (id) => document.getElementById(id);

  /* --- the join link --- */

  function parseLink(hash) {
    const params = new URLSearchParams(hash.replace(/^#/, ''));
    const sessionId = params.get('session');
    const credential = params.get('credential');

    if (!sessionId || !/^[1-9][0-9]{0,18}$/.test(sessionId) || !credential) {
      return null;
    }
    return { sessionId, credential };
  }

  /* --- HTTP --- */

  class HttpError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
      this.status = status;
    }
  }

  function request(path, { method = 'GET', type = null, body = null, keepalive = false } = {}) {
    const headers = { Authorization: `Bearer ${page.link.credential}` };

    if (type) {
      headers['Content-Type'] = type;
    }
    return fetch(path, {
      method,
      headers,
      body,
      keepalive,
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  }

  async function problemOf(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  function conferencePath() {
    return `/api/v1/sessions/${page.link.sessionId}/conference`;
  }

  /* A Location header is relative to the URL the request went to. */
  function resolveLocation(location, requestUrl) {
    if (!location) {
      return null;
    }
    return new URL(location, new URL(requestUrl, window.location.href)).href;
  }

  /* --- what the person sees --- */

  function setStatus(text) {
    $('status').textContent = text;
    page.troubled = false;
  }

  /* A passing problem: the next good state read puts the status back. */
  function setTrouble(text) {
    setStatus(text);
    page.troubled = true;
  }

  /* What the status line says while live. */
  function liveStatus() {
    if (!page.local) {
      return 'No camera or microphone: you can watch and listen';
    }
    return page.whip ? 'Connected' : 'Connecting…';
  }

  function showNotice(title, detail, { rejoin = false } = {}) {
    $('conference').hidden = true;
    $('notice').hidden = false;
    $('notice-title').textContent = title;
    $('notice-detail').textContent = detail || '';
    $('rejoin').hidden = !rejoin;
    setStatus(title);
    if (rejoin) {
      $('rejoin').focus();
    }
  }

  function hideNotice() {
    $('notice').hidden = true;
    $('conference').hidden = false;
  }

  function participantById(personId) {
    const list = (page.conf && page.conf.participants) || [];

    return list.find((p) => p.person_id === personId) || null;
  }

  function personLabel(person) {
    if (!person) {
      return 'Participant';
    }
    return person.site_name ? `${person.display_name} (${person.site_name})` : person.display_name;
  }

  function personOfTrack(track) {
    const match = /^p([0-9]+)-/.exec(track || '');

    return match ? Number(match[1]) : null;
  }

  function renderTitle(conf) {
    const title = conf.session.title || 'eBoard session';

    $('session-title').textContent = title;
    document.title = `${title} – eBoard`;
  }

  /* Live regions announce every change: parts are rebuilt only when
   * what they show changed, not at every read of the state. */
  const shown = new Map();

  function changed(part, value) {
    const key = JSON.stringify(value);

    if (shown.get(part) === key) {
      return false;
    }
    shown.set(part, key);
    return true;
  }

  function renderAgenda(conf) {
    const list = $('agenda');
    const items = sortedAgenda(conf);
    let current = null;

    if (!changed('agenda', [items, conf.current_case_id])) {
      return;
    }
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement('li');
      const meta = document.createElement('span');

      li.dataset.itemId = String(item.id);
      li.textContent = item.summary;
      meta.className = 'meta';
      meta.textContent = [
        item.question,
        item.presenting_site_name,
        `${item.minutes} min`,
        item.status,
      ]
        .filter(Boolean)
        .join(' · ');
      li.append(meta);
      if (item.id === conf.current_case_id) {
        li.setAttribute('aria-current', 'true');
        current = item;
      }
      list.append(li);
    }
    $('current-case').textContent = current
      ? `Now discussing case ${current.position}: ${current.summary}`
      : 'No case is being discussed.';
  }

  function renderParticipants(conf) {
    const list = $('participants');
    const present = (conf.participants || []).filter((p) => p.present);

    const seen = present.map((p) => [p.person_id, p.display_name, p.site_name, p.is_chair]);

    if (!changed('participants', [seen, conf.me.person_id])) {
      return;
    }
    list.replaceChildren();
    for (const person of present) {
      const li = document.createElement('li');
      const site = document.createElement('span');

      li.dataset.personId = String(person.person_id);
      li.textContent = person.display_name + (person.person_id === conf.me.person_id ? ' (you)' : '');
      li.append(' ');
      site.className = 'site';
      site.textContent = `from ${person.site_name}${person.is_chair ? ', chair' : ''}`;
      li.append(site);
      list.append(li);
    }
    if (present.length === 0) {
      const li = document.createElement('li');

      li.textContent = 'Nobody has joined yet.';
      list.append(li);
    }
  }

  function renderChairControls(conf) {
    const isChair = Boolean(conf.me && conf.me.is_chair);
    const live = conf.session.state === 'live';
    const items = sortedAgenda(conf);
    const index = items.findIndex((item) => item.id === conf.current_case_id);

    $('chair-controls').hidden = !isChair;
    $('previous-case').disabled = !live || index <= 0;
    $('next-case').disabled = !live || index >= items.length - 1;
  }

  function render(conf) {
    renderTitle(conf);
    renderAgenda(conf);
    renderParticipants(conf);
    renderChairControls(conf);
    relabelTiles();
    hideNotice();
  }

  function sortedAgenda(conf) {
    return [...(conf.agenda || [])].sort((a, b) => a.position - b.position);
  }

  /* --- the session's state --- */

  /* Reads the state; calls made while one is under way run once after it. */
  function refresh() {
    if (page.refreshing) {
      page.refreshAgain = true;
      return page.refreshing;
    }
    page.refreshing = readState().finally(() => {
      page.refreshing = null;
      if (page.refreshAgain && !TERMINAL.has(page.phase)) {
        page.refreshAgain = false;
        refresh();
      }
    });
    return page.refreshing;
  }

  async function readState() {
    const seq = ++page.stateSeq;
    let response;

    if (TERMINAL.has(page.phase)) {
      return;
    }
    try {
      response = await request(conferencePath());
    } catch {
      setTrouble('Cannot reach the server: trying again…');
      return;
    }
    if (!response.ok) {
      await refused(response.status, await problemOf(response));
      return;
    }
    const conf = await response.json();

    /* an answer older than one already applied is stale */
    if (seq < page.appliedSeq || TERMINAL.has(page.phase)) {
      return;
    }
    page.appliedSeq = seq;
    applyState(conf);
  }

  /* A refusal of any request: the link, the roster or the session. */
  async function refused(status, problem) {
    if (TERMINAL.has(page.phase)) {
      return;
    }
    if (status === 401) {
      await stopAll('refused');
      showNotice(
        'This join link has expired or is not valid',
        'Ask the coordinator for a new one.'
      );
    } else if (status === 403 && page.admitted) {
      await stopAll('removed');
      showNotice('You were removed from this session', 'Ask the coordinator if this is a mistake.');
    } else if (status === 403) {
      await stopAll('refused');
      showNotice(
        "You are not on this session's roster",
        'Only the people invited to this session can join it. Ask the coordinator if this is a mistake.'
      );
    } else if (status === 404) {
      await stopAll('refused');
      showNotice('No such session', 'The session of this link does not exist (any more).');
    } else {
      const detail = problem && (problem.detail || problem.title);

      setTrouble(`The server cannot answer now${detail ? ` (${detail})` : ''}: trying again…`);
    }
  }

  function applyState(conf) {
    const state = conf.session.state;

    page.conf = conf;
    page.admitted = true;
    if (state === 'ended' || state === 'archived') {
      sessionEnded();
      return;
    }
    if (state === 'cancelled') {
      stopAll('ended').then(() =>
        showNotice('The session was cancelled', 'Ask the coordinator when it takes place.')
      );
      return;
    }
    render(conf);
    openEvents();
    if (state === 'live') {
      if (page.phase !== 'live') {
        goLive();
      } else {
        if (page.troubled) {
          setStatus(liveStatus());
        }
        reconcileView();
      }
    } else {
      page.phase = 'waiting';
      setStatus('Waiting for the session to start');
    }
  }

  function sessionEnded() {
    stopAll('ended').then(() =>
      showNotice('The session has ended', 'Thank you for taking part.')
    );
  }

  function startPolling() {
    clearInterval(page.pollTimer);
    page.pollTimer = setInterval(refresh, POLL_MS);
  }

  /* --- live events --- */

  function openEvents() {
    if (page.socket || page.socketTimer || !page.conf || TERMINAL.has(page.phase)) {
      return;
    }
    const url = new URL(page.conf.events_url, window.location.href);

    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    /* browsers cannot set headers on a WebSocket */
    url.searchParams.set('access_token', page.link.credential);

    const socket = new WebSocket(url.href);

    page.socket = socket;
    socket.addEventListener('open', () => {
      page.socketDelay = SOCKET_RETRY_MIN_MS;
    });
    socket.addEventListener('message', (message) => onEvent(message.data));
    socket.addEventListener('close', (close) => onEventsClosed(socket, close.code));
  }

  function onEvent(text) {
    let event;

    try {
      event = JSON.parse(text);
    } catch {
      return;
    }
    const mine = page.conf && event.person_id === page.conf.me.person_id;

    page.eventCounts[event.kind] = (page.eventCounts[event.kind] || 0) + 1;

    switch (event.kind) {
      case 'session-ended':
      case 'session-interrupted':
        sessionEnded();
        break;
      case 'track-started':
      case 'track-stopped':
        /* someone else started or stopped publishing: a new view */
        if (!mine) {
          page.forceView = true;
        }
        refresh();
        break;
      case 'session-started':
      case 'participant-joined':
      case 'participant-left':
      case 'case-changed':
        refresh();
        break;
      default:
        break;
    }
  }

  /* Closed by the server (1008 or 4403/4401 when the person was removed
   * or the credential revoked, 1000 when the session ended) or by the
   * network: the state says which, then the socket opens again. */
  function onEventsClosed(socket, code) {
    if (page.socket !== socket) {
      return;
    }
    page.socket = null;
    page.closeCodes.push(code);
    if (TERMINAL.has(page.phase)) {
      return;
    }
    /* the timer is set first: states read meanwhile do not reopen it */
    page.socketTimer = setTimeout(() => {
      page.socketTimer = 0;
      openEvents();
    }, page.socketDelay);
    page.socketDelay = Math.min(page.socketDelay * 2, SOCKET_RETRY_MAX_MS);
    if (code !== 1000 && page.phase === 'live') {
      setTrouble('Reconnecting to the session…');
    }
    refresh();
  }

  function closeEvents() {
    clearTimeout(page.socketTimer);
    page.socketTimer = 0;
    if (page.socket) {
      const socket = page.socket;

      page.socket = null;
      socket.close(1000, 'leaving');
    }
  }

  /* --- media --- */

  function iceServers() {
    return (page.conf && page.conf.ice_servers) || [];
  }

  function newPeerConnection() {
    try {
      return new RTCPeerConnection({ iceServers: iceServers() });
    } catch {
      /* unusable ICE servers in the configuration: host candidates only */
      return new RTCPeerConnection();
    }
  }

  /* Non-trickle WHIP/WHEP: the offer goes out with every candidate. */
  function iceGatheringComplete(pc) {
    if (pc.iceGatheringState === 'complete') {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ICE_GATHERING_TIMEOUT_MS);

      function done() {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      function check() {
        if (pc.iceGatheringState === 'complete') {
          done();
        }
      }
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  /* Offers @pc's SDP at @url; answers { location, tracks }. */
  async function negotiate(pc, url) {
    await pc.setLocalDescription(await pc.createOffer());
    await iceGatheringComplete(pc);

    const response = await request(url, {
      method: 'POST',
      type: 'application/sdp',
      body: pc.localDescription.sdp,
    });

    if (!response.ok) {
      throw new HttpError(response.status, await problemOf(response));
    }
    const answer = await response.text();
    const location = resolveLocation(response.headers.get('Location'), url);

    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (error) {
      deleteResource(location);
      throw error;
    }
    return { location, tracks: response.headers.get('Eboard-Tracks') };
  }

  function deleteResource(location, keepalive = false) {
    if (!location) {
      return Promise.resolve();
    }
    return request(location, { method: 'DELETE', keepalive }).catch(() => {});
  }

  /* A refused or failed media request: refusals are handled like those
   * of the state, anything else is tried again later. */
  async function mediaFailed(error, what) {
    if (error instanceof HttpError) {
      if (error.status === 401 || error.status === 403 || error.status === 404) {
        await refused(error.status, null);
        return;
      }
      if (error.status === 409) {
        refresh();
        return;
      }
      setStatus(`The server refused ${what}: ${error.message}`);
      return;
    }
    setTrouble(`Cannot ${what} now: trying again…`);
  }

  async function openCamera() {
    const video = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };
    const tries = [{ audio: true, video }, { audio: true }, { video }];

    for (const constraints of tries) {
      try {
        return await navigator.mediaDevices.getUserMedia(constraints);
      } catch {
        /* try with less */
      }
    }
    return null;
  }

  async function goLive() {
    const generation = page.generation;

    page.phase = 'live';
    setStatus('Connecting…');
    if (!page.local) {
      const stream = await openCamera();

      if (generation !== page.generation) {
        stream && stream.getTracks().forEach((t) => t.stop());
        return;
      }
      page.local = stream;
      $('local-video').srcObject = stream;
      updateLocalControls();
    }
    if (!page.local) {
      setStatus(liveStatus());
    }
    requestView();
    await publish();
  }

  async function publish() {
    const generation = page.generation;

    if (!page.local || page.publishing || page.phase !== 'live') {
      return;
    }
    page.publishing = true;
    const pc = newPeerConnection();

    for (const track of page.local.getTracks()) {
      pc.addTransceiver(track, { direction: 'sendonly', streams: [page.local] });
    }
    try {
      const result = await negotiate(pc, page.conf.whip_url);

      if (generation !== page.generation) {
        pc.close();
        deleteResource(result.location);
        return;
      }
      const previous = page.whip;

      page.whip = { pc, location: result.location, startedAt: Date.now() };
      /* a second publish replaces the first on the server */
      if (previous) {
        previous.pc.close();
      }
      pc.addEventListener('connectionstatechange', () => publisherStateChanged(pc));
      setStatus(liveStatus());
    } catch (error) {
      pc.close();
      if (generation === page.generation) {
        await mediaFailed(error, 'your camera');
        /* a refused offer stays refused; anything else may pass later */
        if (!(error instanceof HttpError) || error.status === 409 || error.status >= 500) {
          retryPublish();
        }
      }
    } finally {
      page.publishing = false;
    }
  }

  function retryPublish() {
    if (page.phase === 'live') {
      setTimeout(publish, PUBLISH_RETRY_MS);
    }
  }

  function publisherStateChanged(pc) {
    if (!page.whip || page.whip.pc !== pc || page.phase !== 'live') {
      return;
    }
    if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
      setTrouble('Your connection was lost: reconnecting…');
      retryPublish();
    }
  }

  function updateLocalControls() {
    const stream = page.local;
    const audio = stream ? stream.getAudioTracks()[0] : null;
    const video = stream ? stream.getVideoTracks()[0] : null;

    $('mute').disabled = !audio;
    $('camera').disabled = !video;
    $('mute').setAttribute('aria-pressed', String(Boolean(audio && !audio.enabled)));
    $('camera').setAttribute('aria-pressed', String(Boolean(video && !video.enabled)));
  }

  function toggleTrack(kind) {
    if (!page.local) {
      return;
    }
    const tracks = kind === 'audio' ? page.local.getAudioTracks() : page.local.getVideoTracks();

    for (const track of tracks) {
      track.enabled = !track.enabled;
    }
    updateLocalControls();
  }

  /* --- viewing the others --- */

  /* Everyone else who publishes now, in a stable order. */
  function othersPublishing(conf) {
    return (conf.participants || [])
      .filter((p) => p.person_id !== conf.me.person_id && (p.tracks || []).length > 0)
      .sort((a, b) => a.person_id - b.person_id);
  }

  function viewKey(others) {
    return others.map((p) => `${p.person_id}:${p.tracks.join('+')}`).join(',');
  }

  /* Called on every state: a view that no longer matches who publishes
   * is replaced (the events say so first; this catches a missed one). */
  function reconcileView() {
    const key = viewKey(othersPublishing(page.conf));
    const view = page.whep;

    if (page.forceView) {
      page.forceView = false;
      requestView();
    } else if ((view ? view.key : '') !== key) {
      requestView();
    } else if (view && !view.complete && Date.now() - view.at > view.retryMs) {
      requestView();
    }
  }

  /* Views run one at a time; a request during one runs once after it. */
  async function requestView() {
    page.viewWanted = true;
    if (page.viewBusy) {
      return;
    }
    page.viewBusy = true;
    try {
      while (page.viewWanted && page.phase === 'live') {
        page.viewWanted = false;
        await view();
      }
    } finally {
      page.viewBusy = false;
    }
  }

  /* One recvonly video and audio transceiver per other publisher; the
   * answer's Eboard-Tracks header names each m-line's track. The new view
   * is up before the old one is deleted. */
  async function view() {
    const generation = page.generation;
    const others = othersPublishing(page.conf);
    const key = viewKey(others);
    const previous = page.whep;

    if (others.length === 0) {
      page.whep = null;
      closeView(previous);
      renderTiles([]);
      return;
    }
    const pc = newPeerConnection();
    const transceivers = [];

    for (let i = 0; i < others.length; i++) {
      transceivers.push(pc.addTransceiver('video', { direction: 'recvonly' }));
      transceivers.push(pc.addTransceiver('audio', { direction: 'recvonly' }));
    }
    let result;

    try {
      result = await negotiate(pc, page.conf.whep_url);
    } catch (error) {
      pc.close();
      if (generation === page.generation) {
        /* remembered as incomplete, so the next state tries again */
        if (previous) {
          previous.at = Date.now();
          previous.complete = false;
        }
        await mediaFailed(error, 'the others’ video');
      }
      return;
    }
    if (generation !== page.generation) {
      pc.close();
      deleteResource(result.location);
      return;
    }
    const names = (result.tracks || '').split(',').map((name) => name.trim());
    const lines = transceivers.map((transceiver, i) => ({
      transceiver,
      track: names[i] && names[i] !== '-' ? names[i] : null,
    }));
    const received = new Set(lines.filter((l) => l.track).map((l) => personOfTrack(l.track)));
    const again = previous && previous.key === key && !previous.complete;

    page.whep = {
      pc,
      location: result.location,
      lines,
      key,
      at: Date.now(),
      complete: others.every((p) => received.has(p.person_id)),
      retryMs: again ? Math.min(previous.retryMs * 2, VIEW_RETRY_MAX_MS) : VIEW_RETRY_MIN_MS,
    };
    pc.addEventListener('connectionstatechange', () => viewerStateChanged(pc));
    renderTiles(lines);
    closeView(previous);
  }

  function viewerStateChanged(pc) {
    if (page.whep && page.whep.pc === pc && pc.connectionState === 'failed') {
      page.whep.complete = false;
      requestView();
    }
  }

  function closeView(view) {
    if (!view) {
      return Promise.resolve();
    }
    view.pc.close();
    return deleteResource(view.location);
  }

  /* One tile per received track (video and audio of one person). */
  function renderTiles(lines) {
    const tiles = $('tiles');
    const byTrack = new Map();

    for (const line of lines) {
      if (!line.track) {
        continue;
      }
      if (!byTrack.has(line.track)) {
        byTrack.set(line.track, []);
      }
      byTrack.get(line.track).push(line.transceiver.receiver.track);
    }
    for (const tile of tiles.querySelectorAll('figure.remote')) {
      if (!byTrack.has(tile.dataset.track)) {
        tile.remove();
      }
    }
    for (const [track, mediaTracks] of byTrack) {
      const tile = tileFor(track);
      const video = tile.querySelector('video');

      video.srcObject = new MediaStream(mediaTracks);
      playTile(video);
    }
    relabelTiles();
  }

  function tileFor(track) {
    const existing = [...$('tiles').querySelectorAll('figure.remote')].find(
      (tile) => tile.dataset.track === track
    );

    if (existing) {
      return existing;
    }
    const tile = document.createElement('figure');
    const video = document.createElement('video');
    const caption = document.createElement('figcaption');

    tile.className = 'tile remote';
    tile.dataset.track = track;
    tile.dataset.personId = String(personOfTrack(track));
    tile.framesShown = 0;
    video.autoplay = true;
    video.playsInline = true;
    countFrames(tile, video);
    tile.append(video, caption);
    $('tiles').append(tile);
    return tile;
  }

  /* Frames actually shown, for ebJoinDebug(). */
  function countFrames(tile, video) {
    if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype)) {
      return;
    }
    const onFrame = () => {
      tile.framesShown += 1;
      video.requestVideoFrameCallback(onFrame);
    };

    video.requestVideoFrameCallback(onFrame);
  }

  /* Browsers may refuse to play sound before the person interacts with
   * the page: the picture then plays muted, and one button turns the
   * sound on. */
  function playTile(video) {
    video.muted = page.soundBlocked;
    video.play().catch((error) => {
      /* an AbortError only means that a newer stream replaced this one */
      if (video.muted || error.name !== 'NotAllowedError') {
        return;
      }
      page.soundBlocked = true;
      video.muted = true;
      video.play().catch(() => {});
      showSoundButton();
    });
  }

  function showSoundButton() {
    if ($('sound-on')) {
      return;
    }
    const button = document.createElement('button');

    button.type = 'button';
    button.id = 'sound-on';
    button.textContent = 'Turn on sound';
    button.addEventListener('click', () => {
      page.soundBlocked = false;
      for (const video of $('tiles').querySelectorAll('figure.remote video')) {
        video.muted = false;
        video.play().catch(() => {});
      }
      button.remove();
    });
    $('tiles').after(button);
  }

  function relabelTiles() {
    for (const tile of $('tiles').querySelectorAll('figure.remote')) {
      const label = personLabel(participantById(personOfTrack(tile.dataset.track)));

      tile.querySelector('figcaption').textContent = label;
      tile.querySelector('video').setAttribute('aria-label', `Video of ${label}`);
    }
    if (page.conf && page.conf.me) {
      $('local-caption').textContent = `You: ${personLabel(page.conf.me)}`;
    }
  }

  /* --- the chair moves through the agenda --- */

  async function moveCase(step) {
    const conf = page.conf;
    const items = sortedAgenda(conf);
    const index = items.findIndex((item) => item.id === conf.current_case_id);
    const target = items[index + step];

    if (!target) {
      return;
    }
    $('previous-case').disabled = true;
    $('next-case').disabled = true;
    try {
      const response = await request(`/api/v1/sessions/${page.link.sessionId}/conference/case`, {
        method: 'POST',
        type: 'application/json',
        body: JSON.stringify({ agenda_item_id: target.id }),
      });

      if (response.ok) {
        applyState(await response.json());
        return;
      }
      const problem = await problemOf(response);

      if (response.status === 401 || response.status === 403) {
        await refused(response.status, problem);
      } else {
        setStatus(`The case did not change: ${(problem && problem.detail) || response.status}`);
      }
    } catch {
      setStatus('Cannot reach the server: the case did not change');
    }
    if (page.conf && !TERMINAL.has(page.phase)) {
      renderChairControls(page.conf);
    }
  }

  /* --- stopping --- */

  /* Stops media, events and polling; @phase is the page's last phase.
   * The server's resources are deleted (bounded in time) unless it
   * already dropped them. */
  async function stopAll(phase) {
    const deleting = [];

    page.phase = phase;
    page.generation += 1;
    clearInterval(page.pollTimer);
    page.pollTimer = 0;
    closeEvents();
    if (page.whip) {
      page.whip.pc.close();
      if (phase === 'left') {
        deleting.push(deleteResource(page.whip.location));
      }
      page.whip = null;
    }
    if (page.whep) {
      page.whep.pc.close();
      if (phase === 'left') {
        deleting.push(deleteResource(page.whep.location));
      }
      page.whep = null;
    }
    if (page.local) {
      page.local.getTracks().forEach((track) => track.stop());
      page.local = null;
    }
    $('local-video').srcObject = null;
    renderTiles([]);
    updateLocalControls();
    $('chair-controls').hidden = true;
    const timeout = new Promise((resolve) => setTimeout(resolve, LEAVE_TIMEOUT_MS));

    await Promise.race([Promise.all(deleting), timeout]);
  }

  async function leave() {
    if (TERMINAL.has(page.phase)) {
      return;
    }
    $('leave').disabled = true;
    await stopAll('left');
    $('leave').disabled = false;
    showNotice('You left the session', 'You can join again while the session is live.', {
      rejoin: true,
    });
  }

  function rejoin() {
    page.phase = 'loading';
    page.admitted = false;
    page.socketDelay = SOCKET_RETRY_MIN_MS;
    $('notice').hidden = true;
    setStatus('Joining…');
    refresh();
    startPolling();
  }

  /* A closed tab leaves at once rather than when the server notices. */
  function onPageHide() {
    if (page.phase !== 'live') {
      return;
    }
    for (const resource of [page.whip, page.whep]) {
      if (resource) {
        deleteResource(resource.location, true);
      }
    }
  }

  /* --- for the browser tests: per-tile statistics, no secrets --- */

  async function receiverStats(receiver) {
    const stats = await receiver.getStats();
    let result = null;

    stats.forEach((entry) => {
      if (entry.type === 'inbound-rtp') {
        result = entry;
      }
    });
    return result;
  }

  async function debugState() {
    const tiles = [];
    const lines = page.whep ? page.whep.lines : [];

    for (const tile of $('tiles').querySelectorAll('figure.remote')) {
      const entry = {
        track: tile.dataset.track,
        person_id: personOfTrack(tile.dataset.track),
        label: tile.querySelector('figcaption').textContent,
        frames_decoded: 0,
        video_packets: 0,
        audio_packets: 0,
        frames_shown: tile.framesShown,
      };

      for (const line of lines.filter((l) => l.track === tile.dataset.track)) {
        const stats = await receiverStats(line.transceiver.receiver);

        if (!stats) {
          continue;
        }
        if (stats.kind === 'video') {
          entry.frames_decoded += stats.framesDecoded || 0;
          entry.video_packets += stats.packetsReceived || 0;
        } else {
          entry.audio_packets += stats.packetsReceived || 0;
        }
      }
      tiles.push(entry);
    }
    const local = page.local;

    return {
      phase: page.phase,
      session_state: page.conf ? page.conf.session.state : null,
      person_id: page.conf ? page.conf.me.person_id : null,
      current_case_id: page.conf ? page.conf.current_case_id : null,
      publishing: Boolean(page.whip && page.whip.pc.connectionState === 'connected'),
      published_at: page.whip ? page.whip.startedAt : null,
      audio_enabled: Boolean(local && local.getAudioTracks().some((t) => t.enabled)),
      video_enabled: Boolean(local && local.getVideoTracks().some((t) => t.enabled)),
      view_key: page.whep ? page.whep.key : '',
      events_open: Boolean(page.socket && page.socket.readyState === WebSocket.OPEN),
      events_received: { ...page.eventCounts },
      events_close_codes: [...page.closeCodes],
      tiles,
    };
  }

  /* --- start --- */

  function main() {
    $('mute').addEventListener('click', () => toggleTrack('audio'));
    $('camera').addEventListener('click', () => toggleTrack('video'));
    $('leave').addEventListener('click', leave);
    $('rejoin').addEventListener('click', rejoin);
    $('previous-case').addEventListener('click', () => moveCase(-1));
    $('next-case').addEventListener('click', () => moveCase(1));
    window.addEventListener('pagehide', onPageHide);
    /* another link pasted into this tab: start over with it */
    window.addEventListener('hashchange', () => window.location.reload());
    window.ebJoinDebug = debugState;

    page.link = parseLink(window.location.hash);
    if (!page.link) {
      page.phase = 'refused';
      showNotice(
        'This join link is incomplete',
        'Open the whole personal link you received, or ask the coordinator for a new one.'
      );
      return;
    }
    refresh();
    startPolling();
  }

  main();
})();
