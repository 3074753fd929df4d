import type { ChatMessage, GenerateOptions, Generation, TextGenerator } from '../../models/llm/generator.js';

/**
 * TEST DOUBLE of the text generator only: returns the text a test scripts for a
 * prompt, streamed word by word, so the grounding check and the rest of the personal
 * model (retrieval, prompt, bus events, fallbacks) run for real around it.
 */
export class StubGenerator implements TextGenerator {
  readonly modelId = 'stub-generator';
  prompts: ChatMessage[][] = [];
  constructor(private readonly reply: (messages: ChatMessage[]) => string) {}

  async generate(messages: ChatMessage[], opts: GenerateOptions = {}): Promise<Generation> {
    this.prompts.push(messages);
    const text = this.reply(messages);
    const pieces = text.match(/\S+\s*/g) ?? [];
    for (const p of pieces) opts.onToken?.(p);
    return { text, tokens: pieces.length, promptTokens: 0, stoppedBy: 'eos', firstTokenMs: 0, ms: 0 };
  }
}
