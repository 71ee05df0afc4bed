// Copyright 2026 The eboard authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A small TAP producer for meson (protocol: 'tap'): tests run one after
// the other; a failed step of a scenario skips the steps that build on it.

let count = 0;
let failed = 0;

export function start() {
  console.log('TAP version 13');
}

function diagnostics(error) {
  const text = (error && error.stack) || String(error);

  return text
    .split('\n')
    .map((line) => `# ${line}`)
    .join('\n');
}

// Runs @fn as one test; @scenario (optional) is an object whose `broken`
// flag a failure sets and which skips the tests after it.
export async function test(name, fn, scenario = null) {
  count += 1;
  if (scenario && scenario.broken) {
    console.log(`ok ${count} - ${name} # SKIP an earlier step of this scenario failed`);
    return;
  }
  const started = Date.now();

  try {
    await fn();
    console.log(`ok ${count} - ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed += 1;
    if (scenario) {
      scenario.broken = true;
    }
    console.log(`not ok ${count} - ${name}`);
    console.log(diagnostics(error));
  }
}

export function note(text) {
  for (const line of String(text).split('\n')) {
    console.log(`# ${line}`);
  }
}

export function bail(reason) {
  console.log(`Bail out! ${reason}`);
}

// Prints the plan; answers the exit status.
export function finish() {
  console.log(`1..${count}`);
  return failed === 0 ? 0 : 1;
}
