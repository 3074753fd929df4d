import { basename, dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  StoppingCriteria,
  TextStreamer,
} from '@huggingface/transformers';
import { CANCEL_NONE, type GenerateRequest, type LoadRequest, type StopReason, type WorkerReply, type WorkerRequest } from './protocol.js';

/*
 * The worker thread that owns the tokenizer and the ONNX decoder. Generation keeps
 * this thread's event loop busy for seconds; running it here keeps the main thread
 * (camera frames, recalls, the bus) responsive.
 */

const port = parentPort;
if (!port) throw new Error('models/llm/worker.ts must run in a worker thread');

// Offline only: files come from the verified local folder, never from a hub.
env.allowRemoteModels = false;
env.allowLocalModels = true;

let tokenizer: PreTrainedTokenizer | undefined;
let model: PreTrainedModel | undefined;

function send(reply: WorkerReply): void {
  port?.postMessage(reply);
}

/** Stops on a cancel flag (abort/timeout from the main thread) or a stop string in the generated text. */
class StopCriterion extends StoppingCriteria {
  reason: StopReason | undefined;
  constructor(
    private readonly flag: Int32Array,
    private readonly stop: string[],
    private readonly promptLength: number,
    private readonly tok: PreTrainedTokenizer,
  ) {
    super();
  }
  override _call(inputIds: number[][]): boolean[] {
    if (Atomics.load(this.flag, 0) !== CANCEL_NONE) {
      this.reason = 'cancelled';
      return inputIds.map(() => true);
    }
    if (!this.stop.length) return inputIds.map(() => false);
    return inputIds.map((ids) => {
      const text = this.tok.decode(ids.slice(this.promptLength), { skip_special_tokens: true });
      const hit = this.stop.some((s) => text.includes(s));
      if (hit) this.reason = 'stop-string';
      return hit;
    });
  }
}

async function load(req: LoadRequest): Promise<void> {
  const t0 = performance.now();
  // transformers.js resolves `<localModelPath>/<id>/...`; the folder's parent and name give exactly that.
  env.localModelPath = `${dirname(req.folder)}/`;
  const id = basename(req.folder);
  tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only: true });
  model = await AutoModelForCausalLM.from_pretrained(id, {
    local_files_only: true,
    dtype: req.dtype,
    device: 'cpu',
    session_options: req.threads ? { intraOpNumThreads: req.threads, interOpNumThreads: 1 } : undefined,
  });
  send({ type: 'loaded', ms: performance.now() - t0, hasChatTemplate: Boolean(tokenizer.chat_template) });
}

async function generate(req: GenerateRequest): Promise<void> {
  if (!tokenizer || !model) throw new Error('generate before load');
  const tok = tokenizer;
  if (!tok.chat_template) throw new Error('the model folder has no chat_template in tokenizer_config.json');
  const inputs = tok.apply_chat_template(req.messages, { add_generation_prompt: true, return_dict: true }) as {
    input_ids: { dims: number[] };
    attention_mask: unknown;
  };
  const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
  send({ type: 'prompt', id: req.id, promptTokens });
  const flag = new Int32Array(req.cancel);
  const criterion = new StopCriterion(flag, req.stop, promptTokens, tok);
  let tokens = 0;
  const streamer = new TextStreamer(tok, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (text: string) => {
      if (text) send({ type: 'token', id: req.id, text });
    },
    token_callback_function: () => {
      tokens++;
    },
  });
  const sampling = req.temperature > 0 ? { do_sample: true, temperature: req.temperature } : { do_sample: false };
  const out = (await model.generate({
    ...inputs,
    ...sampling,
    max_new_tokens: req.maxNewTokens,
    streamer,
    stopping_criteria: [criterion],
  })) as { tolist(): bigint[][] };
  const ids = out.tolist()[0] ?? [];
  const generated = ids.slice(promptTokens);
  let text = tok.decode(generated, { skip_special_tokens: true });
  for (const s of req.stop) {
    const at = text.indexOf(s);
    if (at >= 0) text = text.slice(0, at);
  }
  const stoppedBy: StopReason = criterion.reason ?? (generated.length >= req.maxNewTokens ? 'max-tokens' : 'eos');
  send({ type: 'done', id: req.id, text, tokens: generated.length || tokens, promptTokens, stoppedBy });
}

port.on('message', (req: WorkerRequest) => {
  const task =
    req.type === 'load'
      ? load(req)
      : req.type === 'generate'
        ? generate(req)
        : Promise.resolve(model?.dispose()).then(() => process.exit(0));
  task.catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'error', id: req.type === 'generate' ? req.id : undefined, message: e.message, name: e.name });
  });
});
