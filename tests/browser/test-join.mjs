// Copyright 2026 The eboard authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The join page (data/www/join/) in a real headless Chromium (Debian's
// /usr/bin/chromium, fake camera and microphone) against a real eboardd.
// run-browser-test.sh runs this inside a network namespace of its own, so
// every packet stays on its loopback.
//
// usage: node test-join.mjs EBOARDD WORK_DIR
//
// One live session, three participants from two sites, one of them the
// chair: the chair arrives before the session is live and waits; the
// three see and hear each other (decoded frames and audio packets
// counted in each page); the chair moves to case 2; one leaves, one is
// taken off the roster; the session ends and its recording holds the
// three tracks, read back with ffprobe. Also: an incomplete link, a
// forged one, and a person no longer on the roster.

import path from 'node:path';
import { chromium } from 'playwright-core';

import * as tap from './lib/tap.mjs';
import { Daemon, check, probeSegment, sleep, waitFor } from './lib/eboard.mjs';

const [eboardd, workDir] = process.argv.slice(2);

const CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // otherwise Chromium offers no candidate on a machine with loopback only
  '--allow-loopback-in-peer-connection',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// The daemon: WebRTC on loopback only (libnice skips loopback unless it
// is named), short segments so that each track has several.
const CONFIG = `[media]
segment_seconds=2
[webrtc]
local_addresses=127.0.0.1
`;

// How long the three publish together before the checks of the media.
const MEDIA_WAIT_MS = 30000;
// Recorded durations may differ from those measured in the pages by the
// time to connect, the first keyframe and the last segment's cut.
const DURATION_SLACK_MS = 3000;

const daemon = new Daemon(eboardd, workDir);
let browser = null;
const pages = [];

// --- set-up through the API ---

async function createSite(name, code, isHub) {
  const site = await daemon.call('POST', '/api/v1/sites', {
    body: { name, code, timezone: 'UTC', is_hub: isHub },
  });

  for (const status of ['vetted', 'active']) {
    await daemon.call('PATCH', `/api/v1/sites/${site.id}`, { body: { status } });
  }
  return site;
}

async function createPerson(name, email, specialty, site) {
  const person = await daemon.call('POST', '/api/v1/people', {
    body: { name, email, specialty, home_site_id: site.id },
  });
  const token = await daemon.call('POST', '/api/v1/tokens', {
    body: { person_id: person.id, role: 'clinician', label: name },
  });

  return { id: person.id, name, site: site.name, token: token.secret };
}

async function addToRoster(sessionId, person, role) {
  const answer = await daemon.call('POST', `/api/v1/sessions/${sessionId}/roster`, {
    body: { person_id: person.id, role, status: 'accepted' },
  });

  person.entryId = answer.entry.id;
}

// The personal join link, as the person gets it (their own API token).
async function joinUrl(sessionId, person) {
  const details = await daemon.call('GET', `/api/v1/sessions/${sessionId}/join`, {
    token: person.token,
  });
  const expected = `${daemon.url}/join/#session=${sessionId}&credential=`;

  check(
    typeof details.join_url === 'string' && details.join_url.startsWith(expected),
    `join details carry join_url ${expected}...: ${JSON.stringify(details.join_url)}`
  );
  check(
    details.join_url.endsWith(encodeURIComponent(details.credential)) ||
      details.join_url.endsWith(details.credential),
    'join_url carries the credential in its fragment'
  );
  return details.join_url;
}

async function setUp() {
  const north = await createSite('North Hospital', 'NTH', true);
  const south = await createSite('South Clinic', 'STH', false);
  const people = {
    ana: await createPerson('Ana Ruiz', 'ana@north.example', 'medical_oncology', north),
    ben: await createPerson('Ben Okafor', 'ben@north.example', 'radiation_oncology', north),
    cleo: await createPerson('Cleo Berg', 'cleo@south.example', 'surgery', south),
    dan: await createPerson('Dan Vogel', 'dan@south.example', 'pathology', south),
  };
  const session = await daemon.call('POST', '/api/v1/sessions', {
    body: {
      title: 'Thoracic tumor board',
      focus: 'Lung cases',
      host_site_id: north.id,
      start: '2027-03-03T09:00:00Z',
      duration_minutes: 60,
      timezone: 'UTC',
    },
  });

  await addToRoster(session.id, people.ana, 'chair');
  await addToRoster(session.id, people.ben, 'presenter');
  await addToRoster(session.id, people.cleo, 'panelist');
  await addToRoster(session.id, people.dan, 'panelist');
  const agenda = [];

  for (const [summary, question] of [
    ['Stage III non-small cell lung cancer after induction', 'Surgery or chemoradiation?'],
    ['Solitary pulmonary nodule, growing on follow-up', 'Biopsy or resection?'],
    ['Mesothelioma, epithelioid, after pleurectomy', 'Adjuvant radiotherapy?'],
  ]) {
    agenda.push(
      await daemon.call('POST', `/api/v1/sessions/${session.id}/agenda`, {
        body: {
          presenting_site_id: north.id,
          presenter_id: people.ben.id,
          summary,
          question,
          minutes: 10,
        },
      })
    );
  }
  await daemon.call('POST', `/api/v1/sessions/${session.id}/schedule`);
  for (const person of Object.values(people)) {
    person.url = await joinUrl(session.id, person);
  }
  return { sessionId: session.id, people, agenda, sites: { north, south } };
}

// --- pages ---

// A participant's own browser context (their own tab and devices).
async function openPage(url, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const entry = { page, context, errors: [] };

  page.on('pageerror', (error) => entry.errors.push(String(error)));
  pages.push(entry);
  await page.goto(url);
  return page;
}

const debug = (page) => page.evaluate(() => window.ebJoinDebug());

// EB_BROWSER_SCREENSHOTS=FOLDER keeps a picture of each page at some steps.
async function screenshot(person, step) {
  const folder = process.env.EB_BROWSER_SCREENSHOTS;

  if (folder) {
    const name = `${step}-${person.name.split(' ')[0].toLowerCase()}.png`;

    await person.page.screenshot({ path: path.join(folder, name), fullPage: true });
  }
}

async function noticeTitle(page) {
  if (await page.locator('#notice').isHidden()) {
    return null;
  }
  return page.locator('#notice-title').textContent();
}

function waitForNotice(page, title, timeoutMs = 15000) {
  return waitFor(`the page shows "${title}"`, () => noticeTitle(page), (t) => t === title, timeoutMs);
}

// The tiles of @page by person, with their statistics.
async function tilesByPerson(page) {
  const state = await debug(page);

  return new Map(state.tiles.map((tile) => [tile.person_id, tile]));
}

async function presentIds(page) {
  return page.$$eval('#participants li[data-person-id]', (items) =>
    items.map((li) => Number(li.dataset.personId)).sort((a, b) => a - b)
  );
}

// Whom @page shows: the people of its tiles and of its present list.
async function seenPeople(page) {
  return { tiles: [...(await tilesByPerson(page)).keys()], present: await presentIds(page) };
}

function sameIds(a, b) {
  const sorted = (ids) => JSON.stringify([...ids].sort((x, y) => x - y));

  return sorted(a) === sorted(b);
}

// --- the scenarios ---

async function refusals(world) {
  const { sessionId, people } = world;

  await tap.test('a link without its credential shows "This join link is incomplete"', async () => {
    for (const fragment of ['', `#session=${sessionId}`, '#credential=j1.x', '#session=abc&credential=x']) {
      const page = await openPage(`${daemon.url}/join/${fragment}`);

      await waitForNotice(page, 'This join link is incomplete');
      await page.close();
    }
  });

  await tap.test('a forged link shows "This join link has expired or is not valid"', async () => {
    const real = new URL(people.cleo.url);
    const credential = new URLSearchParams(real.hash.slice(1)).get('credential');
    // the same credential with its signature's last character changed
    const last = credential.slice(-1) === 'A' ? 'B' : 'A';
    const forged = credential.slice(0, -1) + last;
    const page = await openPage(
      `${daemon.url}/join/#session=${sessionId}&credential=${encodeURIComponent(forged)}`
    );

    await waitForNotice(page, 'This join link has expired or is not valid');
    check(
      (await page.locator('#notice-detail').textContent()).includes('coordinator'),
      'the page tells whom to ask for a new link'
    );
    await page.close();
  });

  await tap.test('a page that cannot reach the server says so, retries and recovers', async () => {
    const page = await openPage(people.ben.url);
    const status = () => page.locator('#status').textContent();

    await waitFor('the page waits', status, (t) => t === 'Waiting for the session to start');
    await page.context().setOffline(true);
    await waitFor(
      'the page says it retries',
      status,
      (t) => t === 'Cannot reach the server: trying again…'
    );
    check(await page.locator('#notice').isHidden(), 'no error page while retrying');
    await page.context().setOffline(false);
    await waitFor('the page recovers', status, (t) => t === 'Waiting for the session to start');
    await page.close();
  });

  const notOnRoster = 'a person no longer on the roster sees "You are not on this session\'s roster"';

  await tap.test(notOnRoster, async () => {
    await daemon.call('DELETE', `/api/v1/sessions/${sessionId}/roster/${people.dan.entryId}`);
    const page = await openPage(people.dan.url);

    await waitForNotice(page, "You are not on this session's roster");
    await page.close();
  });
}

async function conference(world) {
  const { sessionId, people, agenda } = world;
  const scenario = { broken: false };
  const all = [people.ana, people.ben, people.cleo];

  await tap.test(
    'the chair arrives before the session is live and waits',
    async () => {
      people.ana.page = await openPage(people.ana.url);
      const page = people.ana.page;

      await waitFor('the status says it waits', () => page.locator('#status').textContent(), (t) =>
        t === 'Waiting for the session to start'
      );
      check((await page.locator('#session-title').textContent()) === 'Thoracic tumor board', 'title shown');
      check((await page.locator('#agenda li').count()) === agenda.length, 'the agenda is shown');
      check((await debug(page)).phase === 'waiting', 'the page waits');
    },
    scenario
  );

  await tap.test(
    'the session goes live and the waiting chair is connected',
    async () => {
      await daemon.call('POST', `/api/v1/sessions/${sessionId}/start`);
      const state = await waitFor(
        "the chair's page publishes",
        () => debug(people.ana.page),
        (s) => s.phase === 'live' && s.publishing,
        20000
      );

      people.ana.publishedAt = state.published_at;
      // the events socket said so (the state is also read every 3 s)
      await waitFor(
        "the chair's page received session-started on its events socket",
        async () => (await debug(people.ana.page)).events_received,
        (counts) => counts['session-started'] >= 1,
        5000
      );
    },
    scenario
  );

  await tap.test(
    'three participants from two sites see and hear each other',
    async () => {
      people.ben.page = await openPage(people.ben.url);
      // a phone-sized window: the page must fit its width
      people.cleo.page = await openPage(people.cleo.url, { viewport: { width: 360, height: 740 } });
      for (const person of [people.ben, people.cleo]) {
        const state = await waitFor(
          `${person.name}'s page publishes`,
          () => debug(person.page),
          (s) => s.publishing,
          20000
        );

        person.publishedAt = state.published_at;
      }
      for (const person of all) {
        const others = all.filter((p) => p !== person);

        await waitFor(
          `${person.name}'s page shows a tile of each other participant`,
          async () => [...(await tilesByPerson(person.page)).keys()],
          (ids) => sameIds(ids, others.map((p) => p.id)),
          MEDIA_WAIT_MS
        );
        await waitFor(
          `${person.name}'s page lists the three as present`,
          () => presentIds(person.page),
          (ids) => sameIds(ids, all.map((p) => p.id))
        );
      }
      for (const person of all) {
        check((await debug(person.page)).events_open, `${person.name}'s events socket is open`);
      }
      // decoding and receiving go on: counters grow between two samples
      const before = await Promise.all(all.map((p) => tilesByPerson(p.page)));

      await sleep(3000);
      const after = await Promise.all(all.map((p) => tilesByPerson(p.page)));

      for (const person of all) {
        await screenshot(person, 'conference');
      }
      const overflow = await people.cleo.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth
      );

      check(overflow <= 0, `the narrow page is ${overflow} px wider than its window`);
      all.forEach((person, i) => {
        for (const other of all.filter((p) => p !== person)) {
          const a = before[i].get(other.id);
          const b = after[i].get(other.id);
          const where = `${person.name}'s tile of ${other.name}`;

          // about 20 frames and 50 Opus packets a second are sent
          check(
            b.frames_decoded - a.frames_decoded >= 15,
            `${where}: frames decoded ${a.frames_decoded} -> ${b.frames_decoded}`
          );
          check(
            b.audio_packets - a.audio_packets >= 50,
            `${where}: audio packets ${a.audio_packets} -> ${b.audio_packets}`
          );
          check(
            b.frames_shown > a.frames_shown,
            `${where}: frames shown ${a.frames_shown} -> ${b.frames_shown}`
          );
          check(b.label === `${other.name} (${other.site})`, `${where}: label "${b.label}"`);
        }
      });
    },
    scenario
  );

  await tap.test(
    'only the chair moves through the agenda; every page shows case 2 as current',
    async () => {
      check(await people.ana.page.locator('#chair-controls').isVisible(), 'the chair has the case buttons');
      check(await people.ben.page.locator('#chair-controls').isHidden(), 'others have no case buttons');
      for (const item of agenda.slice(0, 2)) {
        await people.ana.page.getByRole('button', { name: 'Next case' }).click();
        await waitFor(
          `the chair's page shows case ${item.position}`,
          () => people.ana.page.locator('#agenda li[aria-current="true"]').getAttribute('data-item-id'),
          (id) => id === String(item.id)
        );
      }
      for (const person of all) {
        await waitFor(
          `${person.name}'s page shows case 2 as current`,
          () => person.page.locator('#agenda li[aria-current="true"]').getAttribute('data-item-id'),
          (id) => id === String(agenda[1].id),
          10000
        );
        const text = await person.page.locator('#current-case').textContent();

        check(text.startsWith('Now discussing case 2'), `${person.name}'s page says "${text}"`);
        await screenshot(person, 'case-2');
      }
      for (const person of all) {
        const state = await debug(person.page);

        check(state.current_case_id === agenda[1].id, `${person.name}'s state names case 2`);
        check(
          state.events_received['case-changed'] >= 2,
          `${person.name}'s page received both case-changed events: ${JSON.stringify(state.events_received)}`
        );
      }
    },
    scenario
  );

  await tap.test(
    'mute and camera off disable the local tracks',
    async () => {
      const page = people.cleo.page;

      await page.getByRole('button', { name: 'Mute' }).click();
      await page.getByRole('button', { name: 'Camera off' }).click();
      let state = await debug(page);
      check(!state.audio_enabled && !state.video_enabled, 'both tracks disabled');
      check((await page.locator('#mute').getAttribute('aria-pressed')) === 'true', 'Mute is pressed');
      await page.getByRole('button', { name: 'Mute' }).click();
      await page.getByRole('button', { name: 'Camera off' }).click();
      state = await debug(page);
      check(state.audio_enabled && state.video_enabled, 'both tracks enabled again');
    },
    scenario
  );

  await tap.test(
    'a participant who leaves is gone from the other pages',
    async () => {
      await people.ben.page.getByRole('button', { name: 'Leave' }).click();
      people.ben.leftAt = Date.now();
      await waitForNotice(people.ben.page, 'You left the session');
      const rejoin = people.ben.page.getByRole('button', { name: 'Rejoin the session' });

      check(await rejoin.isVisible(), 'a rejoin button');
      for (const person of [people.ana, people.cleo]) {
        await waitFor(
          `${person.name}'s page no longer shows ${people.ben.name}`,
          () => seenPeople(person.page),
          (s) => !s.tiles.includes(people.ben.id) && !s.present.includes(people.ben.id),
          15000
        );
      }
    },
    scenario
  );

  await tap.test(
    'a participant taken off the roster while live sees "You were removed" and the chair sees them leave',
    async () => {
      await daemon.call('DELETE', `/api/v1/sessions/${sessionId}/roster/${people.cleo.entryId}`);
      people.cleo.leftAt = Date.now();
      await waitForNotice(people.cleo.page, 'You were removed from this session', 10000);
      await screenshot(people.cleo, 'removed');
      const state = await debug(people.cleo.page);

      check(!state.publishing && state.tiles.length === 0, "the removed person's media stopped");
      tap.note(`the removed person's events socket closed with ${state.events_close_codes}`);
      await waitFor(
        `${people.ana.name}'s page no longer shows ${people.cleo.name}`,
        () => seenPeople(people.ana.page),
        (s) => s.tiles.length === 0 && !s.present.includes(people.cleo.id),
        15000
      );
    },
    scenario
  );

  await tap.test(
    'the session ends: the page says so and the recording holds the three tracks',
    async () => {
      people.ana.leftAt = Date.now();
      const ended = await daemon.call('POST', `/api/v1/sessions/${sessionId}/end`);

      check(ended.session.state === 'ended', 'the session ended');
      await waitForNotice(people.ana.page, 'The session has ended');
      const list = await daemon.call('GET', `/api/v1/recordings?session=${sessionId}`);

      check(list.items.length === 1, `one recording: ${list.items.length}`);
      const recording = await daemon.call('GET', `/api/v1/recordings/${list.items[0].id}`);
      const expected = all.map((p) => `p${p.id}-webrtc`).sort();
      const names = recording.tracks.map((t) => t.name).sort();

      check(JSON.stringify(names) === JSON.stringify(expected), `tracks ${names} (wanted ${expected})`);
      for (const person of all) {
        await checkTrack(world, recording.tracks.find((t) => t.name === `p${person.id}-webrtc`), person);
      }
    },
    scenario
  );
}

// One recorded track against what its page published: codecs read back
// by ffprobe, durations consistent with the time it published.
async function checkTrack(world, track, person) {
  const published = person.leftAt - person.publishedAt;
  let probed = 0;

  check(track.person_id === person.id, `${track.name}: person ${track.person_id}`);
  check(['vp8', 'h264'].includes(track.video_codec), `${track.name}: video codec ${track.video_codec}`);
  check(track.audio_codec === 'opus', `${track.name}: audio codec ${track.audio_codec}`);
  check(track.segments.length >= 2, `${track.name}: ${track.segments.length} segments`);
  for (const segment of track.segments) {
    const file = daemon.recordingPath(world.sessionId, segment.file);
    const info = await probeSegment(file);

    check(info.codecs.video === track.video_codec, `${segment.file}: video ${info.codecs.video}`);
    check(info.codecs.audio === 'opus', `${segment.file}: audio ${info.codecs.audio}`);
    check(info.durationMs > 0, `${segment.file}: duration ${info.durationMs} ms`);
    probed += info.durationMs;
  }
  tap.note(
    `${track.name} (${track.video_codec}, ${track.audio_codec}): published ${published} ms, ` +
      `recorded ${track.duration_ms} ms, ` +
      `segments read back ${probed} ms in ${track.segments.length} segments`
  );
  check(
    Math.abs(track.duration_ms - published) <= DURATION_SLACK_MS,
    `${track.name}: recorded ${track.duration_ms} ms, published ${published} ms`
  );
  check(
    Math.abs(probed - track.duration_ms) <= DURATION_SLACK_MS,
    `${track.name}: segments hold ${probed} ms, the track says ${track.duration_ms} ms`
  );
}

async function run() {
  let world;

  try {
    await daemon.start(CONFIG);
    world = await setUp();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    tap.bail(`set-up failed: ${error.message}`);
    return false;
  }
  await refusals(world);
  await conference(world);
  await tap.test('no page raised an uncaught error', async () => {
    const errors = pages.flatMap((p) => p.errors);

    check(errors.length === 0, errors.join('\n'));
  });
  await tap.test('eboardd stops cleanly', async () => {
    const exit = await daemon.stop();

    check(exit.code === 0, `eboardd exit ${JSON.stringify(exit)}`);
  });
  return true;
}

async function main() {
  let status = 1;

  tap.start();
  if (!eboardd || !workDir) {
    tap.bail('usage: node test-join.mjs EBOARDD WORK_DIR');
    return status;
  }
  try {
    if (await run()) {
      status = tap.finish();
    }
  } catch (error) {
    tap.bail(`unexpected: ${error.stack || error}`);
  } finally {
    if (browser) {
      await browser.close().catch(() => {});
    }
    await daemon.stop(5000).catch(() => {});
  }
  if (status !== 0) {
    tap.note(`eboardd's stderr (${path.basename(daemon.stderrPath)}):`);
    // EB_BROWSER_STDERR_LINES=N shows more of it (a sanitizer's report)
    const lines = Number(process.env.EB_BROWSER_STDERR_LINES) || 80;

    tap.note(daemon.stderr().split('\n').slice(-lines).join('\n'));
  }
  return status;
}

// exit even if something (a child's pipe, a timer) would keep node alive
process.exit(await main());
