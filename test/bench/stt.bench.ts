import { execFileSync } from 'node:child_process';
import { readWav16k } from '../../hardware/microphone/wav.js';
import { PocketSphinxStt } from '../../models/stt/pocketsphinx-stt.js';
import type { CommandGrammar } from '../../models/stt/types.js';
import { SileroVad } from '../../models/vad/silero-vad.js';
import { testModelStore } from '../helpers/models.js';
import { cleanupSynth, espeak, flite, librivoxClips, padded } from '../voice/audio-synth.js';
import { scliteWer } from '../voice/stt-wer.js';
import type { Benchmark } from './harness.js';

/*
 * Speech to text on this machine: PocketSphinx word error rate on the LibriVox
 * clips (scored by sclite), real-time factors of the command grammar against free
 * dictation on spoken commands, our load-once decoder against the
 * pocketsphinx_continuous CLI (which loads the model per file), and Silero VAD.
 */

const PS = '/usr/share/pocketsphinx/model/en-us';
const FILES = { hmm: `${PS}/en-us`, lm: `${PS}/en-us.lm.bin`, dict: `${PS}/cmudict-en-us.dict` };

const GRAMMAR: CommandGrammar = {
  phrases: [
    'who is this',
    'where did i meet <name>',
    'when did i last see <name>',
    'what do i know about <name>',
    'this is <name>',
    'repeat that',
    'louder',
  ],
  names: ['Ana Lima', 'Tom', 'Bob Smith', 'Mia'],
};
const COMMANDS = ['who is this', 'where did i meet ana', 'when did i last see tom', 'what do i know about bob', 'repeat that', 'louder'];

const bench: Benchmark = {
  description: 'speech to text: PocketSphinx WER (LibriVox, sclite), RTF grammar vs dictation, load-once vs CLI, Silero VAD',
  async run(ctx) {
    const grammarOnly = new PocketSphinxStt({ files: FILES, grammarConfidence: 0 });
    const checked = new PocketSphinxStt({ files: FILES, grammarConfidence: 0.5 });
    await grammarOnly.load();
    await checked.load();
    try {
      // 1. WER on real speech, dictation.
      const pairs = [];
      const rtfDictLibri: number[] = [];
      for (const clip of librivoxClips()) {
        const { pcm } = readWav16k(clip.file);
        const t = await checked.transcribe(pcm);
        rtfDictLibri.push((t.elapsedMs as number) / ((pcm.length / 16000) * 1000));
        pairs.push({ id: clip.id, reference: clip.reference, hypothesis: t.text });
      }
      const wer = scliteWer(pairs);
      ctx.value('LibriVox dictation WER (sclite)', wer.errPercent, `% of ${wer.words} words`);
      ctx.figure('LibriVox dictation RTF', rtfDictLibri, 'x');

      // 2. Commands: grammar vs dictation on the same audio.
      const audio = [
        ...COMMANDS.map((c) => espeak(c, { speed: 150 })),
        ...(await Promise.all(COMMANDS.map((c) => flite(c, 'slt')))),
        ...(await Promise.all(COMMANDS.map((c) => flite(c, 'rms')))),
      ].map((p) => padded(p, 0.3, 0.5));
      const expected = [...COMMANDS, ...COMMANDS, ...COMMANDS];
      const rtf = { grammar: [] as number[], dictation: [] as number[], checked: [] as number[] };
      let exactGrammar = 0;
      let exactChecked = 0;
      let exactDictation = 0;
      for (const [i, pcm] of audio.entries()) {
        const ms = (pcm.length / 16000) * 1000;
        const g = await grammarOnly.transcribe(pcm, { grammar: GRAMMAR });
        const d = await grammarOnly.transcribe(pcm);
        const c = await checked.transcribe(pcm, { grammar: GRAMMAR });
        rtf.grammar.push((g.elapsedMs as number) / ms);
        rtf.dictation.push((d.elapsedMs as number) / ms);
        rtf.checked.push((c.elapsedMs as number) / ms);
        if (g.text === expected[i]) exactGrammar++;
        if (c.text === expected[i]) exactChecked++;
        if (d.text === expected[i]) exactDictation++;
      }
      const fg = ctx.figure('commands RTF, grammar only', rtf.grammar, 'x');
      const fd = ctx.figure('commands RTF, dictation', rtf.dictation, 'x');
      ctx.figure('commands RTF, grammar checked by dictation (default)', rtf.checked, 'x');
      ctx.ratio('RTF grammar / dictation', fg.p50 / fd.p50);
      ctx.value('commands exact, grammar only', (100 * exactGrammar) / audio.length, `% of ${audio.length}`);
      ctx.value('commands exact, grammar checked (default)', (100 * exactChecked) / audio.length, `% of ${audio.length}`);
      ctx.value('commands exact, dictation', (100 * exactDictation) / audio.length, `% of ${audio.length}`);

      // 3. Load once (ours) vs the CLI, which loads the model for every file.
      const clip = librivoxClips()[1]?.file as string;
      const cli = await ctx.time(
        () =>
          execFileSync('pocketsphinx_continuous', [
            '-infile',
            clip,
            '-hmm',
            FILES.hmm,
            '-lm',
            FILES.lm,
            '-dict',
            FILES.dict,
            '-logfn',
            '/dev/null',
          ]),
        { runs: 3, warmup: 1 },
      );
      const pcm = readWav16k(clip).pcm;
      const ours = await ctx.time(() => checked.transcribe(pcm), { runs: 3, warmup: 1 });
      const fc = ctx.figure('one 3 s clip, pocketsphinx_continuous CLI', cli);
      const fo = ctx.figure('one 3 s clip, mnemo (decoder loaded once)', ours);
      ctx.ratio('mnemo / CLI time per clip', fo.p50 / fc.p50);

      // 4. Silero VAD cost per second of audio.
      const vad = await SileroVad.load(testModelStore());
      const f = new Float32Array(pcm.length);
      for (let i = 0; i < pcm.length; i++) f[i] = (pcm[i] as number) / 32768;
      const vadMs = await ctx.time(
        async () => {
          vad.reset();
          for (let at = 0; at + 512 <= f.length; at += 512) await vad.probability(f.subarray(at, at + 512));
        },
        { runs: 5, warmup: 1 },
      );
      ctx.figure(
        'Silero VAD per second of audio',
        vadMs.map((m) => m / (pcm.length / 16000)),
      );
      await vad.dispose();
      ctx.note('machine shared with other helpers during the run: timings are noisy');
    } finally {
      await grammarOnly.dispose();
      await checked.dispose();
      cleanupSynth();
    }
  },
};
export default bench;
