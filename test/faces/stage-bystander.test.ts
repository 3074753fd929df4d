import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureLogging } from '../../config/log.js';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { systemClock } from '../../device/contracts.js';
import { createFacesStage } from '../../device/faces/index.js';
import { createRecallPolicy } from '../../device/recall/index.js';
import { createCamera } from '../../hardware/camera/index.js';
import { openMemory, type SqliteMemory } from '../../memory/index.js';
import { createFaceAnalyzer, type MnemoFaceAnalyzer } from '../../models/faces/analyzer.js';
import { pickMainFace } from '../../models/faces/main-face.js';
import type { FaceAnalyzer, RgbImage } from '../../models/faces/types.js';
import { decodeImageFile } from '../../models/image.js';
import { demoPhoto, testModelStore } from '../helpers/models.js';
import { RecordingWhisper } from '../recall/fakes.js';
import { cropPath } from './truth.js';

/*
 * The bystander rule, proved: strangers (the face-api demo photos) walk through
 * the view of a wearer who knows two people. Their embeddings exist while their
 * tracks live (RAM), are wiped after the grace period, and afterwards neither
 * the memory file (with its WAL) nor any log line, at trace level, holds them.
 */

let dir: string;
let analyzer: MnemoFaceAnalyzer;
let memory: SqliteMemory;
const logLines: string[] = [];
const enrolledVectors: Float32Array[] = [];

const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** Every file of the database (main, WAL, shared memory), concatenated. */
function dbBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter(existsSync).map((p) => readFileSync(p)));
}

beforeAll(async () => {
  configureLogging(
    { level: 'trace', levels: {}, format: 'json' },
    new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  dir = mkdtempSync(join(tmpdir(), 'mnemo-bystander-'));
  analyzer = createFaceAnalyzer(defaultConfig().faces, testModelStore());
  await analyzer.load();
  memory = openMemory({ path: join(dir, 'memory.db') });
  for (const name of ['penny', 'sheldon'] as const) {
    const samples = [];
    for (const n of [1, 2]) {
      const main = pickMainFace((await analyzer.analyze(await decodeImageFile(cropPath(name, n)), { still: true })).faces);
      if (main.kind !== 'one' || !main.face.embedding) throw new Error(`no face in ${name}${n}`);
      enrolledVectors.push(Float32Array.from(main.face.embedding));
      samples.push({ modelId: analyzer.modelId, embedding: main.face.embedding, quality: main.face.quality.score });
    }
    memory.people.enroll({ name, samples, actor: 'device' });
  }
});

afterAll(async () => {
  configureLogging(defaultConfig().log);
  await analyzer?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('bystanders', () => {
  it("keeps a stranger's embedding in RAM only while needed and leaves no trace on disk or in the logs", async () => {
    const config = defaultConfig();
    config.faces.strangerGraceSeconds = 0.3;
    const timeline = join(dir, 'strangers.json');
    writeFileSync(timeline, JSON.stringify({ frames: [1, 2, 3, 4, 5, 6].map((n) => ({ file: demoPhoto(n), holdMs: 800 })) }));
    config.camera = { ...config.camera, source: 'replay', path: timeline, fps: 5, width: 1400, height: 1000 };

    // See what the stranger embeddings were, by copying them as the analyzer hands them to the stage.
    const seen: Float32Array[] = [];
    const spy: FaceAnalyzer = {
      modelId: analyzer.modelId,
      load: () => analyzer.load(),
      dispose: async () => {},
      analyze: async (image: RgbImage) => {
        const result = await analyzer.analyze(image);
        for (const f of result.faces) if (f.embedding) seen.push(Float32Array.from(f.embedding));
        return result;
      },
    };
    const bus = new EventBus();
    const named: number[] = [];
    bus.on('test', 'track-identified', (e) => {
      named.push(e.personId);
    });
    const whisper = new RecordingWhisper();
    const recall = createRecallPolicy({ config, bus, memory, whisper, clock: systemClock });
    await recall.start();
    const samplesBefore = memory.stats().faceSamples;
    const stage = createFacesStage({ config, bus, memory, analyzer: spy, clock: systemClock, camera: createCamera(config.camera) });
    await stage.start(new AbortController().signal);
    await stage.finished();

    expect(seen.length).toBeGreaterThan(5);
    expect(stage.heldTracks().embeddings).toBeGreaterThan(0); // the last scene's strangers, still in view
    await stage.stop();
    await recall.stop();
    await new Promise((r) => setTimeout(r, 600)); // past the grace period
    expect(stage.heldTracks()).toEqual({ live: 0, ended: 0, embeddings: 0 });
    expect(named).toEqual([]); // none of them is one of the two known people
    expect(whisper.said).toEqual([]);
    expect(memory.stats().faceSamples).toBe(samplesBefore);

    // The probe works: enrolled vectors are found in the file...
    const path = memory.path;
    const live = dbBytes(path);
    expect(enrolledVectors.some((v) => live.includes(bytesOf(v).subarray(0, 32)))).toBe(true);
    // ...and no stranger's vector is, neither before nor after the WAL is checkpointed on close.
    const strangerIn = (bytes: Buffer) => seen.filter((v) => bytes.includes(bytesOf(v).subarray(0, 32))).length;
    expect(strangerIn(live)).toBe(0);
    memory.close();
    expect(strangerIn(dbBytes(path))).toBe(0);

    // No log line (trace level included) carries any component of a stranger's vector.
    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(0);
    const leaked = seen.filter((v) => [0, 1, 2, 3].some((i) => logs.includes(String(v[i]).slice(0, 9))));
    expect(leaked).toEqual([]);
  });
});
