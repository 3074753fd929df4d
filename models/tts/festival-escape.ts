/*
 * Festival reads `(SayText "...")` as Scheme (SIOD), and the `say` package pastes
 * the text between those quotes as it is: a quote in the text ends the string and
 * whatever follows is evaluated, `(system "...")` included. Inside a SIOD string
 * only backslash and double quote are special; control characters (a newline would
 * also end say's one-line command) become spaces. Festival reads bytes as Latin-1
 * and only speaks English, so accents are folded ("café" -> "cafe") and anything
 * else outside Latin-1 becomes a space rather than mojibake.
 */
export function escapeFestivalString(text: string): string {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '');
  let out = '';
  for (const ch of folded) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f || code > 0xff) out += ' ';
    else out += ch;
  }
  return out;
}

/** A festival voice name is pasted as `(voice_<name>)`: only a plain identifier is allowed. */
export function festivalVoiceCall(voice: string): string | undefined {
  const name = voice.startsWith('voice_') ? voice : `voice_${voice}`;
  return /^voice_[a-z0-9_]+$/i.test(name) ? name : undefined;
}
