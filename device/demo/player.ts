import type { Memory } from '../../memory/types.js';
import type { EventBus } from '../bus.js';
import type { MnemoEvents } from '../events.js';
import type { ScenarioClock } from './scenario-clock.js';
import type { LoadedScenario, Scenario, ScenarioStep } from './scenario-schema.js';
import { parseDuration } from './scenario-schema.js';
import type { ScriptedCamera, ScriptedMicrophone, StillImage } from './scripted-devices.js';

/*
 * Plays a scenario against a running mnemo: sets what the camera sees, makes the
 * wearer speak (push-to-talk on the glasses button), moves the clock, and checks
 * every expectation against what the glasses actually received.
 */

/** One audio stream the glasses received. */
export interface ReceivedWhisper {
  streamId: string;
  text: string;
  /** performance.now() when its audio-start reached the glasses. */
  at: number;
  wavPath?: string;
}

export interface DemoWorld {
  bus: EventBus;
  memory: Memory;
  camera: ScriptedCamera;
  microphone: ScriptedMicrophone;
  clock: ScenarioClock;
  /** Renders a view key into a frame. */
  view(key: string): Promise<StillImage>;
  /** Synthesises what the wearer says (a voice other than mnemo's). */
  speak(text: string): Promise<Int16Array>;
  /** The virtual glasses: press their button, and every stream they received so far. */
  button(action: MnemoEvents['button']['action']): Promise<void>;
  whispers(): ReceivedWhisper[];
  setPlace(label: string): void;
}

export type TimelineKind = 'scene' | 'place' | 'camera' | 'wearer' | 'heard' | 'intent' | 'whisper' | 'skip' | 'check' | 'recall';

export interface TimelineEntry {
  t: number;
  kind: TimelineKind;
  text: string;
  ok?: boolean;
  ms?: number;
}

export interface CheckResult {
  step: number;
  what: string;
  ok: boolean;
  detail: string;
}

export interface PlayResult {
  timeline: TimelineEntry[];
  checks: CheckResult[];
  whispers: ReceivedWhisper[];
  /** Recalls that named someone who was not in view. */
  wrongNames: string[];
  expectedWhispers: number;
  matchedWhispers: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function playScenario(
  loaded: LoadedScenario,
  world: DemoWorld,
  onEntry: (e: TimelineEntry) => void = () => {},
): Promise<PlayResult> {
  const { scenario } = loaded;
  const t0 = performance.now();
  const timeline: TimelineEntry[] = [];
  const checks: CheckResult[] = [];
  const wrongNames: string[] = [];
  let inView: string[] = [];
  const add = (kind: TimelineKind, text: string, extra: Partial<TimelineEntry> = {}) => {
    const e = { t: (performance.now() - t0) / 1000, kind, text, ...extra };
    timeline.push(e);
    onEntry(e);
  };
  const owner = 'demo-player';
  world.bus.on(owner, 'stt-end', (p) => add('heard', `"${p.transcript}" (${p.engine}, confidence ${p.confidence.toFixed(2)})`));
  world.bus.on(owner, 'intent', (p) => add('intent', `${p.intent} ${JSON.stringify(p.slots)} via ${p.via}`));
  world.bus.on(owner, 'recall', (p) => {
    const person = world.memory.people.get(p.personId);
    const allowed = inView.map((k) => scenario.people[k]?.name.toLowerCase());
    if (!person || !allowed.includes(person.name.toLowerCase())) wrongNames.push(person?.name ?? `person ${p.personId}`);
  });
  let seen = 0;
  const pollWhispers = setInterval(() => {
    const all = world.whispers();
    for (; seen < all.length; seen++) add('whisper', `"${(all[seen] as ReceivedWhisper).text}"`);
  }, 25);

  let expected = 0;
  let matched = 0;
  try {
    for (const [i, step] of scenario.steps.entries()) {
      const actionAt = await act(step, world, scenario, add, (keys) => {
        inView = keys;
      });
      if (!step.expect) continue;
      const ex = step.expect;
      const within = parseDuration(ex.within);
      if (ex.whisper) {
        expected++;
        const re = new RegExp(ex.whisper, 'i');
        const found = await waitFor(() => world.whispers().find((w) => w.at >= actionAt && re.test(w.text)), within);
        const bad = found && ex.without.find((word) => new RegExp(word, 'i').test(found.text));
        const ok = Boolean(found) && !bad;
        if (ok) matched++;
        checks.push({
          step: i,
          what: `whisper /${ex.whisper}/`,
          ok,
          detail: found ? (bad ? `mentions "${bad}": "${found.text}"` : `"${found.text}"`) : `nothing matching within ${ex.within}`,
        });
      }
      if (ex.silence) {
        await sleep(within);
        const said = world.whispers().filter((w) => w.at >= actionAt);
        checks.push({
          step: i,
          what: `silence for ${ex.within}`,
          ok: said.length === 0,
          detail: said.length ? `whispered "${said[0]?.text}"` : 'silent',
        });
      }
      for (const who of ex.remembered) {
        const name = scenario.people[who]?.name as string;
        const ok = Boolean(world.memory.people.findByName(name));
        checks.push({ step: i, what: `${name} remembered`, ok, detail: ok ? 'in memory' : 'not in memory' });
      }
      for (const who of ex.forgotten) {
        const name = scenario.people[who]?.name as string;
        const ok = !world.memory.people.findByName(name);
        checks.push({ step: i, what: `${name} forgotten`, ok, detail: ok ? 'gone from memory' : 'still in memory' });
      }
      const last = checks.at(-1);
      if (last) add('check', `${last.ok ? 'ok' : 'FAILED'}: ${last.what} (${last.detail})`, { ok: last.ok });
    }
    await sleep(300);
  } finally {
    clearInterval(pollWhispers);
    world.bus.removeListeners(owner);
  }
  for (const [i, n] of wrongNames.entries())
    checks.push({ step: -1, what: `wrong name #${i + 1}`, ok: false, detail: `named ${n} who was not in view` });
  return { timeline, checks, whispers: world.whispers(), wrongNames, expectedWhispers: expected, matchedWhispers: matched };
}

/** Carries out a step's actions; returns when its effect should be judged from (performance.now()). */
async function act(
  step: ScenarioStep,
  world: DemoWorld,
  scenario: Scenario,
  add: (kind: TimelineKind, text: string, extra?: Partial<TimelineEntry>) => void,
  setInView: (keys: string[]) => void,
): Promise<number> {
  if (step.scene) add('scene', step.scene);
  if (step.place) {
    world.setPlace(step.place);
    add('place', step.place);
  }
  if (step.skip) {
    world.clock.skip(parseDuration(step.skip));
    add('skip', `${step.skip} pass`);
  }
  let at = performance.now();
  if (step.camera) {
    if (step.camera === 'none') {
      world.camera.show(null);
      setInView([]);
    } else {
      world.camera.show(await world.view(step.camera));
      setInView(scenario.views[step.camera]?.shows ?? []);
    }
    add('camera', step.camera === 'none' ? 'nobody in view' : `in view: ${step.camera}`);
    at = performance.now();
  }
  if (step.button) {
    await world.button(step.button);
    at = performance.now();
  }
  if (step.say) {
    const pcm = await world.speak(step.say);
    // Push-to-talk: press, speak, and let go a moment after the sentence ends.
    await world.button('press');
    await sleep(150);
    world.microphone.speak(pcm);
    add('wearer', `"${step.say}"`);
    at = performance.now();
    await sleep((pcm.length / 16000) * 1000 + 600);
    await world.button('release');
  }
  if (step.wait) await sleep(parseDuration(step.wait));
  return at;
}

async function waitFor<T>(probe: () => T | undefined, ms: number): Promise<T | undefined> {
  const end = performance.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined || performance.now() > end) return v;
    await sleep(25);
  }
}
