import { basename } from 'node:path';
import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import { openMemoryFromConfig } from '../../memory/index.js';
import type { Memory } from '../../memory/types.js';
import { createFaceAnalyzer, type MnemoFaceAnalyzer } from '../../models/faces/analyzer.js';
import { pickMainFace } from '../../models/faces/main-face.js';
import type { AnalyzedFace, Box } from '../../models/faces/types.js';
import { decodeImageFile } from '../../models/image.js';
import { ModelStore } from '../../models/store.js';
import { commandConfig, output, table } from '../cli-context.js';
import { type IdentityDecision, MemoryIdentity } from '../faces/identity.js';
import { dot } from '../vector-math.js';

/*
 * `mnemo faces detect|enroll|identify IMAGE...` on still photos. Every image is
 * decoded and analysed before anything is written, so a bad file in the list
 * (named in the error) leaves the memory as it was.
 */

const log = logger('mnemo:faces');

export interface FaceRow {
  box: Box;
  score: number;
  quality: { size: number; blur: number; yaw: number; ok: boolean; reasons: string[] };
}

export interface IdentifiedRow extends FaceRow {
  decision: IdentityDecision['kind'];
  personId: number | null;
  name: string | null;
  similarity: number;
  margin: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const r4 = (v: number) => Math.round(v * 10000) / 10000;

function row(f: AnalyzedFace): FaceRow {
  const q = f.quality;
  return {
    box: { x: r1(f.box.x), y: r1(f.box.y), width: r1(f.box.width), height: r1(f.box.height) },
    score: r4(f.score),
    quality: { size: r1(q.size), blur: r1(q.blur), yaw: r1(q.yaw), ok: q.ok, reasons: q.reasons },
  };
}

async function analyzeAll(analyzer: MnemoFaceAnalyzer, files: string[]) {
  const out: Array<{ file: string; width: number; height: number; faces: AnalyzedFace[] }> = [];
  for (const file of files) {
    const image = await decodeImageFile(file);
    const { faces } = await analyzer.analyze(image, { still: true });
    out.push({ file, width: image.width, height: image.height, faces });
  }
  return out;
}

export async function detectImages(analyzer: MnemoFaceAnalyzer, files: string[]) {
  return (await analyzeAll(analyzer, files)).map((r) => ({ file: r.file, width: r.width, height: r.height, faces: r.faces.map(row) }));
}

export async function identifyImages(analyzer: MnemoFaceAnalyzer, memory: Memory, faces: Config['faces'], files: string[]) {
  const identity = new MemoryIdentity(memory, analyzer.modelId, { threshold: faces.threshold, margin: faces.margin });
  return (await analyzeAll(analyzer, files)).map((r) => ({
    file: r.file,
    faces: r.faces.map((f): IdentifiedRow => {
      const d: IdentityDecision = f.embedding ? identity.identify(f.embedding) : { kind: 'unknown', similarity: 0, margin: 0 };
      const personId = d.kind === 'named' ? d.personId : null;
      const name = personId === null ? null : (memory.people.get(personId)?.name ?? null);
      return { ...row(f), decision: d.kind, personId, name, similarity: r4(d.similarity), margin: r4(d.margin) };
    }),
  }));
}

export interface EnrollInput {
  name: string;
  note?: string;
  place?: string;
  files: string[];
  maxSamples: number;
}

/** The main face of each image into one person (new or existing), plus an encounter at the place. */
export async function enrollImages(analyzer: MnemoFaceAnalyzer, memory: Memory, input: EnrollInput) {
  const chosen: Array<{ file: string; face: AnalyzedFace }> = [];
  for (const r of await analyzeAll(analyzer, input.files)) {
    const name = basename(r.file);
    const main = pickMainFace(r.faces);
    if (main.kind === 'none')
      throw new MnemoError('face-not-found', `${name}: no face found`, {
        details: { file: r.file },
        fix: 'use a photo where the face is clearly visible',
      });
    if (main.kind === 'ambiguous') {
      throw new MnemoError('face-ambiguous', `${name}: two faces are equally likely to be the one meant`, {
        details: { file: r.file, boxes: main.faces.map((f) => f.box) },
        fix: 'crop the photo to the person to enroll',
      });
    }
    if (!main.face.embedding) {
      throw new MnemoError('face-not-found', `${name}: the face cannot be used (${main.face.quality.reasons.join(', ')})`, {
        details: { file: r.file, reasons: main.face.quality.reasons },
        fix: 'use a sharper, larger, more frontal photo',
      });
    }
    chosen.push({ file: r.file, face: main.face });
  }
  const existing = memory.people.findByName(input.name);
  const needThumb = !existing || memory.faces.thumbnail(existing.id) === undefined;
  const samples = await Promise.all(
    chosen.map(async ({ face }, i) => ({
      modelId: analyzer.modelId,
      embedding: face.embedding as Float32Array,
      quality: face.quality.score,
      thumbnail: needThumb && i === 0 ? await face.thumbnail() : undefined,
    })),
  );
  let personId: number;
  let encounterId: number | null;
  if (existing) {
    personId = existing.id;
    memory.faces.add(personId, samples);
    encounterId = memory.encounters.start(personId, { source: 'face', place: input.place }).id;
    if (input.note) memory.notes.add({ personId, text: input.note });
  } else {
    const r = memory.people.enroll({ name: input.name, samples, encounter: { source: 'face', place: input.place }, note: input.note });
    personId = r.person.id;
    encounterId = r.encounterId;
  }
  const removed = keepMostDiverse(memory, personId, analyzer.modelId, input.maxSamples);
  log.debug({ personId, samples: samples.length, removed }, 'enrolled from images');
  return { personId, created: !existing, samples: samples.length, removed, encounterId, files: chosen.map((c) => c.file) };
}

/** Drops the most redundant samples (highest similarity to another sample) until `max` remain. */
export function keepMostDiverse(memory: Memory, personId: number, modelId: string, max: number): number {
  const all = memory.faces.embeddings(personId, modelId);
  const drop: number[] = [];
  while (all.length - drop.length > max) {
    const live = all.filter((s) => !drop.includes(s.sampleId));
    let worst = live[0];
    let worstSim = -2;
    for (const s of live) {
      const closest = Math.max(...live.filter((o) => o !== s).map((o) => dot(s.embedding, o.embedding)));
      if (closest > worstSim) {
        worstSim = closest;
        worst = s;
      }
    }
    if (!worst) break;
    drop.push(worst.sampleId);
  }
  if (drop.length) memory.faces.remove(drop);
  return drop.length;
}

interface Common {
  memory?: string;
  json?: boolean;
}

async function withTools<T>(
  cmd: Command,
  opts: Common,
  needMemory: boolean,
  fn: (a: MnemoFaceAnalyzer, c: Config, m: Memory | null) => Promise<T>,
) {
  const config = commandConfig(cmd, opts.memory ? { memory: { path: opts.memory } } : {});
  const analyzer = createFaceAnalyzer(config.faces, new ModelStore(config.models.dir));
  const memory = needMemory ? openMemoryFromConfig(config.memory) : null;
  try {
    await analyzer.load();
    return await fn(analyzer, config, memory);
  } finally {
    memory?.close();
    await analyzer.dispose();
  }
}

const boxText = (b: Box) => `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}`;

export function registerFaces(program: Command): void {
  const faces = program.command('faces').description('faces on still photos: detect, enroll, identify');
  const common = (c: Command) => c.option('--memory <path>', 'memory file (default: memory.path)').option('--json', 'JSON output');

  common(faces.command('detect <images...>').description('boxes, detector scores and quality of every face')).action(
    async (files: string[], opts: Common, cmd: Command) => {
      const result = await withTools(cmd, opts, false, (a) => detectImages(a, files));
      output(opts.json, result, () =>
        result
          .map(
            (r) =>
              `${r.file}: ${r.faces.length} face(s)\n${table(
                r.faces.map((f) => [boxText(f.box), f.score, f.quality.size, f.quality.ok ? 'ok' : f.quality.reasons.join(',')]),
                ['box', 'score', 'size', 'quality'],
              )}`,
          )
          .join('\n'),
      );
    },
  );

  common(
    faces
      .command('enroll <images...>')
      .description('enroll the main face of each image as one person, with an encounter')
      .requiredOption('--name <name>', "the person's name")
      .option('--note <text>', 'a note about them')
      .option('--place <text>', 'where you met'),
  ).action(async (files: string[], opts: Common & { name: string; note?: string; place?: string }, cmd: Command) => {
    if (!opts.name.trim()) throw new MnemoError('invalid-argument', '--name must not be empty');
    const result = await withTools(cmd, opts, true, (a, c, m) =>
      enrollImages(a, m as Memory, {
        name: opts.name.trim(),
        note: opts.note,
        place: opts.place,
        files,
        maxSamples: c.faces.maxSamplesPerPerson,
      }),
    );
    output(
      opts.json,
      result,
      () => `${result.created ? 'enrolled' : 'added samples to'} ${opts.name} (person ${result.personId}): ${result.samples} sample(s)`,
    );
  });

  common(faces.command('identify <images...>').description('who every face is: named, unknown or ambiguous')).action(
    async (files: string[], opts: Common, cmd: Command) => {
      const result = await withTools(cmd, opts, true, (a, c, m) => identifyImages(a, m as Memory, c.faces, files));
      output(opts.json, result, () =>
        result
          .map(
            (r) =>
              `${r.file}:\n${table(
                r.faces.map((f) => [boxText(f.box), f.decision, f.name ?? '', f.similarity, f.margin]),
                ['box', 'decision', 'name', 'similarity', 'margin'],
              )}`,
          )
          .join('\n'),
      );
    },
  );
}
