import { join } from 'node:path';
import { z } from 'zod';
import { dataDir } from './paths.js';

/*
 * The one source of mnemo's settings: the TypeScript type, the defaults and the
 * JSON Schema (`mnemo config schema`) all come from here. Every section is strict,
 * so a misspelt key is an error rather than a silently ignored setting.
 * `.prefault({})` makes a missing section parse as `{}` so its inner defaults apply.
 */

const level = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

const log = z
  .strictObject({
    level: level.default('info').describe('Default log level for every namespace.'),
    levels: z.record(z.string(), level).default({}).describe('Per-namespace levels, e.g. { "mnemo:faces": "debug" }.'),
    format: z.enum(['auto', 'json', 'pretty']).default('auto').describe('auto: pretty on a TTY, JSON otherwise.'),
  })
  .prefault({});

const models = z
  .strictObject({
    dir: z.string().default(join(dataDir(), 'models')).describe('Where model files are pulled to and loaded from.'),
    autoPull: z.boolean().default(true).describe('Pull missing registry-hosted models at start.'),
  })
  .prefault({});

const memory = z
  .strictObject({
    path: z.string().default(join(dataDir(), 'memory.db')).describe('The SQLite memory file.'),
    utteranceRetentionDays: z.number().int().min(0).default(30).describe('Days a transcript of what the wearer said is kept.'),
    busyTimeoutMs: z.number().int().min(0).default(5000).describe('How long a write waits for another process holding the lock.'),
    vectorRamMB: z
      .number()
      .min(0)
      .default(64)
      .describe('RAM per embedding model for the fast exact face search (100k 128-d samples take 51 MB); beyond it sqlite-vec answers.'),
    encryption: z
      .strictObject({
        keyFile: z.string().optional().describe('A 0600 file holding the key; MNEMO_MEMORY_KEY also works. Unset: plain file.'),
      })
      .prefault({}),
  })
  .prefault({});

const mqtt = z
  .strictObject({
    embedded: z.boolean().default(true).describe('Start an in-process broker (aedes) on loopback.'),
    host: z.string().default('127.0.0.1').describe('Embedded broker bind address.'),
    port: z.number().int().min(0).max(65535).default(1883).describe('Embedded broker port (0: any free port).'),
    url: z.string().optional().describe('External broker, e.g. mqtts://broker:8883 (embedded: false).'),
    username: z.string().optional(),
    password: z.string().optional(),
    caFile: z.string().optional().describe('CA certificate for a TLS broker.'),
    clientId: z.string().optional().describe('MQTT client id of the runtime; default mnemo-<deviceId>.'),
    keepaliveSeconds: z.number().int().min(1).default(10).describe('A dead link is noticed after 1.5x this.'),
    reconnectMs: z.number().int().min(100).default(1000).describe('Pause between reconnection attempts.'),
    connectTimeoutMs: z.number().int().min(100).default(5000),
  })
  .prefault({});

const glasses = z
  .strictObject({
    deviceId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
      .default('glasses-1')
      .describe('Topic prefix mnemo/<deviceId>/...'),
    offlineAnswerWaitMs: z.number().int().min(0).default(5000).describe('How long an answer waits for offline glasses.'),
    batteryLowPercent: z.number().min(0).max(100).default(15),
    maxInboundBytes: z.number().int().min(64).default(4096).describe('Larger payloads from the glasses are dropped unread.'),
    playedTimeoutMs: z
      .number()
      .int()
      .min(0)
      .default(3000)
      .describe('How long past the audio duration to wait for `played` before giving up on a stream.'),
  })
  .prefault({});

const camera = z
  .strictObject({
    source: z.enum(['replay', 'rpicam', 'v4l2']).default('rpicam').describe('rpicam: rpicam-vid MJPEG; v4l2: ffmpeg; replay: files.'),
    path: z.string().optional().describe('replay: a folder of images, a video or a timeline file (.yaml/.json).'),
    device: z.string().default('/dev/video0').describe('v4l2 device.'),
    width: z.number().int().positive().default(640).describe('Capture width; replayed frames larger than width x height are downscaled.'),
    height: z.number().int().positive().default(480),
    fps: z.number().positive().default(5).describe('Capture rate; for replay images and timelines the playback rate.'),
    videoFps: z.enum(['native', 'config']).default('native').describe("replay video: play at the video's own rate or at `fps`."),
    loop: z.boolean().default(false).describe('replay: start again at the end.'),
    restartBackoffMs: z.number().int().min(1).default(500).describe('First restart delay of a dead camera; doubles per failure.'),
    maxRestartBackoffMs: z.number().int().min(1).default(30_000),
    stallSeconds: z.number().min(0).default(5).describe('A live camera silent this long is killed and restarted (0: never).'),
  })
  .prefault({});

const microphone = z
  .strictObject({
    source: z.enum(['device', 'replay']).default('device').describe('device: a real recorder; replay: WAV files or a timeline.'),
    recorder: z.enum(['arecord', 'sox', 'rec']).default('arecord').describe('The program node-record-lpcm16 runs (16 kHz mono s16le).'),
    device: z
      .string()
      .optional()
      .describe('ALSA device for arecord (-D) and sox (AUDIODEV); rec uses the default; unset: the default device.'),
    path: z.string().optional().describe('replay: a WAV file or a timeline file (YAML/JSON list of {wav}, {silence}, {noise}).'),
    chunkMs: z.number().int().min(10).max(1000).default(32).describe('Chunk length; 32 ms = one Silero VAD window.'),
    replaySpeed: z.number().min(0).default(1).describe('replay: 1 = real time, 10 = ten times faster, 0 = no waiting.'),
  })
  .prefault({});

/**
 * Identity thresholds calibrated with strangers present on the shared photos
 * (test/bench/faces-calibrate.ts; README "Face recall"). They differ by embedder:
 * the dlib net's cosines are compressed into 0.83-0.98, fr-feature's spread over 0-1.
 */
export const FACE_THRESHOLDS = {
  'fr-feature-512': { threshold: 0.4, margin: 0.05 },
  'faceapi-recognition-128': { threshold: 0.9125, margin: 0.005 },
} as const;

const faces = z
  .strictObject({
    embedder: z
      .enum(['fr-feature-512', 'faceapi-recognition-128'])
      .default('fr-feature-512')
      .describe('Embedding model id, chosen by measurement (README "Face recall"); samples record it, so a change needs re-enrollment.'),
    detectScore: z.number().min(0).max(1).default(0.7).describe('UltraFace score to count as a face.'),
    minFaceSize: z.number().int().min(1).default(60).describe('Face box width in pixels; smaller faces are never named.'),
    minBlurVariance: z
      .number()
      .min(0)
      .default(100)
      .describe('Laplacian variance of the 64x64 face; below it the face is too blurred to name.'),
    maxYawDegrees: z.number().min(0).max(90).default(45).describe('Faces turned further away (estimated from landmarks) are not named.'),
    threshold: z
      .number()
      .min(-1)
      .max(1)
      .default(FACE_THRESHOLDS['fr-feature-512'].threshold)
      .describe(
        'Cosine similarity to name someone, calibrated per embedder (FACE_THRESHOLDS: fr-feature-512 0.40, faceapi-recognition-128 0.9125).',
      ),
    margin: z
      .number()
      .min(0)
      .max(2)
      .default(FACE_THRESHOLDS['fr-feature-512'].margin)
      .describe('Required lead over the runner-up person (fr-feature-512 0.05, faceapi-recognition-128 0.005).'),
    framesToDecide: z.number().int().min(1).default(2).describe('Frames in a row that must name the same person before a track is named.'),
    maxSamplesPerPerson: z.number().int().min(1).default(12).describe('Stored face samples per person; the most diverse are kept.'),
    strangerGraceSeconds: z.number().min(0).default(10).describe("How long a stranger's embeddings stay in RAM after their track ends."),
  })
  .superRefine((f, ctx) => {
    // The dlib net's cosines sit in 0.83-0.98: fr-feature's threshold would name nearly everyone.
    const calibrated = FACE_THRESHOLDS[f.embedder].threshold;
    if (f.embedder === 'faceapi-recognition-128' && f.threshold < calibrated - 0.05) {
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `${f.threshold} is far below the calibrated ${calibrated} for faceapi-recognition-128 and would name strangers; set faces.threshold: ${calibrated} and faces.margin: ${FACE_THRESHOLDS[f.embedder].margin}`,
      });
    }
  })
  .prefault({});

const recall = z
  .strictObject({
    cooldownSeconds: z.number().min(0).default(600).describe('Never whisper the same person twice within this.'),
    minGapSeconds: z.number().min(0).default(4).describe('At most one whisper this often overall.'),
    maxWords: z.number().int().min(1).default(25).describe("Words in a 'normal' whisper; 'short' is half, 'detailed' double."),
    encounterGapSeconds: z
      .number()
      .min(0)
      .default(120)
      .describe('A person back in view within this is the same encounter (no second whisper, encounter extended).'),
    maxHoldSeconds: z.number().min(1).default(30).describe('Longest a recall waits for the wearer to finish speaking.'),
  })
  .prefault({});

const voice = z
  .strictObject({
    language: z.string().default('en').describe('Spoken language; not English needs Whisper (whisper-tiny or whisper-base).'),
    stt: z
      .enum(['auto', 'whisper', 'pocketsphinx'])
      .default('auto')
      .describe('auto: Whisper when its model is pulled, else PocketSphinx (grammar for commands, dictation otherwise).'),
    whisperModel: z.string().default('whisper-tiny-en').describe('Model id: whisper-tiny-en, whisper-tiny or whisper-base.'),
    silenceMs: z.number().int().min(100).default(700).describe('Silence that ends an utterance.'),
    maxUtteranceSeconds: z.number().min(1).default(15).describe('An utterance is cut here even if speech goes on (noise).'),
    vadThreshold: z.number().min(0).max(1).default(0.5).describe('Silero speech probability that counts as speech.'),
    minSpeechMs: z.number().int().min(0).default(200).describe('Shorter bursts of speech (clicks, coughs) are not an utterance.'),
    prerollMs: z.number().int().min(0).default(300).describe('Audio kept from before speech was detected (the first phoneme).'),
    grammarConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('PocketSphinx: below this a command-grammar match is discarded for free dictation.'),
    confirmSeconds: z.number().min(1).default(15).describe('How long "forget X? say yes" (and "did you mean ...?") waits for the answer.'),
    intentExamples: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Nearest-example intent classifier (USE lite) after the rule grammar.'),
        accept: z.number().min(0).max(1).default(0.72).describe('Cosine similarity to act on the nearest example.'),
        ask: z.number().min(0).max(1).default(0.6).describe('Between this and accept mnemo asks "did you mean ...?"; a yes is learned.'),
        margin: z.number().min(0).max(1).default(0.04).describe('Required lead of the best intent over the runner-up.'),
      })
      .prefault({}),
    wakeWord: z
      .strictObject({
        enabled: z.boolean().default(false).describe('openWakeWord models are CC BY-NC-SA 4.0 (non-commercial): opt in.'),
        model: z.string().default('hey_jarvis'),
        threshold: z.number().min(0).max(1).default(0.5),
      })
      .prefault({}),
  })
  .prefault({});

const speech = z
  .strictObject({
    engine: z.enum(['flite', 'espeak-ng', 'say']).default('flite'),
    voice: z
      .string()
      .optional()
      .describe('Engine voice: flite kal16|kal|slt|awb|rms; espeak-ng en-us|cmn|...; say: a festival voice. Unset: the engine default.'),
    boneConductionFilter: z.boolean().default(true).describe('High-pass and loudness normalisation for a bone-conduction speaker.'),
    highPassHz: z.number().min(0).max(4000).default(250),
    loudnessDbfs: z.number().min(-40).max(-3).default(-18).describe('Target RMS level of each sentence (peaks kept below -1 dBFS).'),
    volume: z.number().min(0).max(1).default(0.8).describe('Volume sent to the glasses when they come online.'),
    dedupeSeconds: z.number().min(0).default(5).describe('The same text again within this time is not said twice.'),
    maxChars: z.number().int().min(1).default(400).describe('Longer text is cut at a sentence or word boundary.'),
    chunkMs: z.number().int().min(20).max(40).default(30).describe('Duration of one audio-chunk message.'),
    recallStaleMs: z.number().int().min(0).default(4000).describe('A recall that waited longer than this in the queue is dropped.'),
  })
  .prefault({});

const llm = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Answer open questions with the personal model when its folder is present (else templates).'),
    model: z.string().default('smollm2-135m-instruct').describe('A text-generation id from `mnemo models list` (built-in or add-local).'),
    maxNewTokens: z.number().int().min(1).max(1024).default(64),
    timeoutMs: z.number().int().min(1).default(8000).describe('A generation taking longer is stopped and the template answer used.'),
    threads: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('ONNX threads of the generation worker (0: all cores); 1 leaves a core for camera frames.'),
    temperature: z.number().min(0).max(2).default(0).describe('0: greedy, reproducible answers.'),
    contextItems: z.number().int().min(1).max(20).default(6).describe('How many memories (notes, encounters) go into a prompt.'),
    embeddingModel: z.string().default('use-lite-512').describe('Sentence-embedding model id whose vectors retrieval searches.'),
  })
  .prefault({});

const capture = z
  .strictObject({
    conversations: z.boolean().default(false).describe('Summarise conversations with known people into encounters (opt-in).'),
    summarySentences: z.number().int().min(1).max(10).default(3).describe('Sentences kept by the extractive summary (no LLM).'),
  })
  .prefault({});

const review = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve the phone review app (started by `mnemo start` and `mnemo demo`).'),
    host: z.string().default('127.0.0.1').describe('Bind address; on a device, the interface the phone reaches.'),
    port: z.number().int().min(0).max(65535).default(8443).describe('HTTPS port; 0 picks a free one.'),
    certDir: z.string().default(join(dataDir(), 'review')).describe('Self-signed certificate location.'),
    sessionDays: z.number().int().min(1).max(3650).default(180).describe('How long a paired phone stays paired without re-pairing.'),
    bodyLimitBytes: z.number().int().min(1024).max(10_485_760).default(65_536).describe('Largest request body accepted.'),
    rateLimitPerMinute: z.number().int().min(1).default(600).describe('Requests per minute per client address.'),
    pairingRateLimitPerMinute: z.number().int().min(1).default(20).describe('Pairing requests per minute per client address.'),
  })
  .prefault({});

export const configSchema = z.strictObject({
  log,
  models,
  memory,
  mqtt,
  glasses,
  camera,
  microphone,
  faces,
  recall,
  voice,
  speech,
  llm,
  capture,
  review,
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** The defaults, as a full config. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}

export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input' });
}
