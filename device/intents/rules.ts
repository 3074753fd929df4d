import type { IntentName } from './types.js';

/*
 * The rule grammar: ordered regular expressions over a cleaned utterance
 * (normalize.ts). Rules run in order and the first match wins, so the specific
 * ones (yes/no, phones, remember before forget, "who is this" before "who is X")
 * come first and the loose keyword ones (volume, length) last, limited to short
 * utterances so they do not swallow questions. Slots here are raw spoken text;
 * the recognizer resolves names against memory.
 */

export interface RuleMatch {
  intent: IntentName;
  slots: Record<string, string>;
}

interface Rule {
  intent: IntentName;
  re: RegExp;
  /** Capture groups to slot names, in order (undefined skips a group). */
  groups?: Array<string | undefined>;
  /** Only for utterances of at most this many words. */
  maxWords?: number;
}

const PERSON = String.raw`(?:this|that|the)\s+(?:person|guy|man|woman|lady|girl|boy|dude|fellow|gentleman|kid|one|chap|bloke)`;
const IN_VIEW = `(?:this|that|he|she|they|it|him|her|them|${PERSON}|the (?:person|guy|man|woman|lady|girl|boy) (?:in front of me|here|over there|next to me|i am (?:looking at|talking to|talking with|speaking to|speaking with|with)))`;
const HERE = String.raw`(?:\s+(?:again|in front of me|right here|over there|here|next to me|right now|now|then))*`;
const SEE = `(?:see|saw|seen|meet|met|run into|ran into|bump into|bumped into|talk to|talked to|talk with|talked with|speak to|spoke to|speak with|spoke with|hear from|heard from|catch up with|caught up with|hang out with|hung out with|visit|visited|was with|chat with|chatted with)`;
const NAME = `(.+?)`;
const TRAIL = String.raw`(?:\s+(?:before|first|originally|again|at first|exactly|already|the first time|for the first time))*`;

const RULES: Rule[] = [
  // yes / no (answers to "forget Ana? say yes")
  {
    intent: 'confirm',
    re: /^(?:yes|yeah|yea|yep|yup|sure|correct|confirm(?:ed)?|affirmative|absolutely|definitely|of course|okay|ok|do it|go ahead|please do|right|that is (?:right|correct)|exactly|i am sure|i do|indeed)(?:\s+(?:yes|please|go ahead|do it|sure|confirm|i am sure|that is right|thanks|thank you|forget (?:it|him|her|them)|delete (?:it|him|her|them)))*$/i,
  },
  {
    intent: 'deny',
    re: /^(?:no|nope|nah|cancel(?: that| it)?|never ?mind|do not|stop|abort|wait|no way|not now|keep (?:him|her|them|it)|do not do (?:it|that)|leave it)(?:\s+(?:no|cancel(?: that| it)?|never ?mind|do not|thanks|thank you|please|stop|keep (?:him|her|them|it)|do not do (?:it|that)|leave it))*$/i,
  },
  // phones (before forget: "forget all phones" is an unpairing)
  {
    intent: 'unpair-phones',
    re: /\b(?:unpair|un pair|disconnect|remove|forget|revoke|unlink|delete|drop|kick out)\b(?:\s+\w+){0,3}\s+(?:phones?|devices?|mobiles?|iphones?|androids?)\b/i,
  },
  { intent: 'unpair-phones', re: /^unpair(?:\s+(?:all|every|everything|my|the|paired|phones?|devices?))*$/i },
  {
    intent: 'pair-phone',
    re: /\b(?:pair|connect|link|add|set up|setup|register|hook up|sync)\b(?:\s+(?:up|my|a|the|new|another|this|with|to))*\s+(?:phone|mobile|iphone|android|smartphone|cell ?phone|cell)\b/i,
  },
  { intent: 'pair-phone', re: /\bpairing(?:\s+(?:code|mode|pin))?\b|^pair(?: up)?$/i },
  // remember <fact> (before forget: "do not forget that ...")
  {
    intent: 'remember',
    re: /^(?:please\s+)?(?:remember|note|make a note|take a note|make a memo|jot (?:this |that |it )?down|write (?:this |that |it )?down|keep in mind|do not forget|save|store|add a note|record|memorize|log)(?:\s+(?:that|this))?\s+about\s+([^,]+?)(?:\s*,\s*|\s+that\s+|\s*:\s*)(.+)$/i,
    groups: ['about', 'fact'],
  },
  {
    intent: 'remember',
    re: /^(?:please\s+)?(?:remember|note|make a note|take a note|make a memo|jot (?:this |that |it )?down|write (?:this |that |it )?down|keep in mind|do not forget|add a note|memorize)(?:\s+(?:that|this|of this|for me|for later))*\s*,?\s*(?!(?:who|where|when|what|me|him|her|them|it|this|that)\s*$)(.+)$/i,
    groups: ['fact'],
  },
  // forget X
  {
    intent: 'forget',
    re: /^(?:please\s+)?(?:forget|delete|erase|remove|wipe|purge|drop)(?:\s+(?:about|everything about|all about|everything (?:you know |i know )?about|all (?:my )?(?:memories|memory|information|info|data|notes) (?:of|about|on)|the person(?: called)?|person|someone called|everyone called))?\s+(.+?)(?:\s+(?:from|out of)\s+(?:(?:your|my|the)\s+)?(?:memory|memories|database|records|list))?(?:\s+(?:completely|forever|entirely|permanently|for good))?$/i,
    groups: ['name'],
  },
  // who is this
  {
    intent: 'who-is-this',
    re: new RegExp(
      String.raw`^who(?:\s+(?:exactly|actually|again|then))?(?:\s+(?:is|was|are|might|could|would|can|the hell is))?(?:\s+(?:exactly|actually))?\s+${IN_VIEW}(?:\s+be)?${HERE}$`,
      'i',
    ),
  },
  {
    intent: 'who-is-this',
    re: new RegExp(
      String.raw`^(?:is|was)\s+(?:this|that|he|she|${PERSON})\s+(?:someone|somebody|anyone|anybody|a person)\s+(?:i|we)\s+(?:know|met|have met)$`,
      'i',
    ),
  },
  {
    intent: 'who-is-this',
    re: /^who\s+(?:am i|i am|are we|we are|is it i am)\s+(?:looking at|talking to|talking with|speaking to|speaking with|seeing|facing|with|meeting|chatting with)(?:\s+(?:right now|now|here|again))*$/i,
  },
  { intent: 'who-is-this', re: /^who\s+(?:this|that|he|she|they)\s+(?:is|are|was|were)(?:\s+again)?$/i },
  {
    intent: 'who-is-this',
    re: new RegExp(
      String.raw`^(?:do|have|did|should)\s+(?:i|we)\s+(?:know|met|meet|seen|see)\s+(?:this|that|him|her|them|this person|that person|${PERSON})(?:\s+(?:before|somewhere|already|yet|from somewhere))*$`,
      'i',
    ),
  },
  {
    intent: 'who-is-this',
    re: new RegExp(
      String.raw`^(?:do|can|could)\s+you\s+(?:recognize|recognise|identify|place|name)\s+${IN_VIEW}(?:\s+(?:at all|again))?$`,
      'i',
    ),
  },
  {
    intent: 'who-is-this',
    re: /^(?:what is|what was|tell me|remind me of|say|give me)\s+(?:his|her|their|this person's|that person's|this guy's|this woman's|the person's)\s+name(?:\s+again)?$/i,
  },
  {
    intent: 'who-is-this',
    re: /^(?:identify|recognize|recognise|name)\s+(?:this|that|the)?\s*(?:person|face|guy|man|woman|him|her|them)$/i,
  },
  // where did I meet X
  {
    intent: 'where-met',
    re: new RegExp(
      String.raw`^where\s+(?:did|do|have|had)\s+(?:i|we)(?:\s+(?:first|originally|actually|ever))?\s+(?:meet|met|know|first meet)\s+${NAME}(?:\s+from)?${TRAIL}$`,
      'i',
    ),
    groups: ['name'],
  },
  {
    intent: 'where-met',
    re: new RegExp(
      String.raw`^where\s+(?:did|have|had)\s+(?:i|we)\s+(?:first|originally)\s+(?:see|saw|seen|run into|ran into|bump into|bumped into|come across|came across)\s+${NAME}${TRAIL}$`,
      'i',
    ),
    groups: ['name'],
  },
  {
    intent: 'where-met',
    re: /^where\s+(?:did|have|had)\s+we(?:\s+first)?\s+(?:meet|met)(?:\s+(?:before|first))*(?:\s+(.+?))?(?:\s+and\s+(?:i|me))?$/i,
    groups: ['name'],
  },
  {
    intent: 'where-met',
    re: new RegExp(String.raw`^where\s+(?:was|is)\s+it\s+(?:that\s+)?i(?:\s+first)?\s+(?:met|meet|saw)\s+${NAME}${TRAIL}$`, 'i'),
    groups: ['name'],
  },
  {
    intent: 'where-met',
    re: new RegExp(String.raw`^where\s+i(?:\s+first)?\s+(?:met|know)\s+${NAME}(?:\s+from)?${TRAIL}$`, 'i'),
    groups: ['name'],
  },
  {
    intent: 'where-met',
    re: /^how\s+(?:do|did)\s+(?:i|we)\s+(?:know|meet|get to know|come to know|first meet|end up meeting)\s+(.+?)(?:\s+again)?$/i,
    groups: ['name'],
  },
  { intent: 'where-met', re: /^how\s+did\s+we\s+meet(?:\s+again)?$/i },
  {
    intent: 'where-met',
    re: new RegExp(String.raw`^(?:have|did)\s+i\s+(?:ever\s+)?(?:met|meet)\s+${NAME}(?:\s+(?:before|already|somewhere))*$`, 'i'),
    groups: ['name'],
  },
  {
    intent: 'where-met',
    re: new RegExp(String.raw`^where\s+(?:have|had)\s+i\s+seen\s+${NAME}(?:\s+(?:before|already))*$`, 'i'),
    groups: ['name'],
  },
  // when did I last see X (before "when did I meet X", which is a where-met)
  {
    intent: 'last-seen',
    re: new RegExp(String.raw`^when\s+(?:did|have|had|do)\s+i\s+(?:last|most recently|previously|recently)\s+${SEE}\s+${NAME}$`, 'i'),
    groups: ['name'],
  },
  {
    intent: 'last-seen',
    re: new RegExp(
      String.raw`^when\s+(?:did|have|had)\s+i\s+${SEE}\s+${NAME}\s+(?:last|the last time|most recently|lately|recently|last time)$`,
      'i',
    ),
    groups: ['name'],
  },
  {
    intent: 'last-seen',
    re: new RegExp(String.raw`^(?:when\s+(?:is|was)\s+)?(?:the\s+)?last\s+time\s+(?:that\s+)?i\s+${SEE}\s+${NAME}$`, 'i'),
    groups: ['name'],
  },
  { intent: 'last-seen', re: /^when\s+was\s+i\s+(?:last\s+with|with\s+(.+?)\s+last)\s*(.*)$/i, groups: ['name', 'name'] },
  {
    intent: 'last-seen',
    re: new RegExp(
      String.raw`^how\s+long\s+(?:has\s+it\s+been\s+|is\s+it\s+|was\s+it\s+|ago\s+(?:did\s+)?)?(?:since\s+)?(?:i\s+)?(?:last\s+)?${SEE}\s+${NAME}(?:\s+last)?$`,
      'i',
    ),
    groups: ['name'],
  },
  {
    intent: 'last-seen',
    re: new RegExp(
      String.raw`^(?:have|did)\s+i\s+${SEE}\s+${NAME}\s+(?:recently|lately|this week|this month|in a while|today|yesterday)$`,
      'i',
    ),
    groups: ['name'],
  },
  { intent: 'last-seen', re: new RegExp(String.raw`^when\s+i\s+last\s+${SEE}\s+${NAME}$`, 'i'), groups: ['name'] },
  // when did I meet X (the first meeting: a where-met, answered with place and date)
  {
    intent: 'where-met',
    re: new RegExp(
      String.raw`^(?:when|when and where|where and when)\s+(?:did|have)\s+(?:i|we)(?:\s+first)?\s+(?:meet|met|first meet|get to know)\s+${NAME}${TRAIL}$`,
      'i',
    ),
    groups: ['name'],
  },
  // what do I know about X
  {
    intent: 'what-know',
    re: /^what\s+(?:else\s+)?(?:do|did|can|could|does|have|has)\s+(?:i|you|we|mnemo)\s+(?:know|remember|recall|have|got|stored|saved|noted|learned|tell me)(?:\s+(?:about|on|regarding))\s+(.+?)$/i,
    groups: ['name'],
  },
  {
    intent: 'what-know',
    re: /^tell\s+me\s+(?:everything\s+|all\s+|more\s+|something\s+|a bit\s+|a little\s+|anything\s+)?(?:(?:that\s+|what\s+)?(?:you|i)\s+(?:know|have|remember|recall)\s+)?(?:about|on|regarding)\s+(.+?)$/i,
    groups: ['name'],
  },
  {
    intent: 'what-know',
    re: /^(?:about|anything (?:on|about)|everything (?:on|about)|info on|information (?:on|about)|details on|(?:give me\s+)?the (?:rundown|lowdown|scoop|details|info|story|background) on|what is the (?:story|deal) with|what about|remind me about|brief me on|fill me in on|update me on|refresh my memory (?:on|about)|background on)\s+(.+?)$/i,
    groups: ['name'],
  },
  { intent: 'what-know', re: /^what\s+(?:is|was)\s+(.+?)'s\s+(?:story|deal|background|thing)(?:\s+again)?$/i, groups: ['name'] },
  {
    intent: 'what-know',
    re: /^(?:who\s+(?:is|was)|do you know|do you remember|do i know|know anything about)\s+(.+?)(?:\s+again)?$/i,
    groups: ['name'],
  },
  // repeat that
  {
    intent: 'repeat',
    re: /^(?:repeat(?:\s+(?:that|it|yourself|the (?:last )?(?:answer|thing|message|sentence)|what you said|the last thing))?|say (?:that|it)|what|what is that|what was that|what did you (?:just )?say|come again|pardon(?: me)?|excuse me|sorry|one more time|again|once more|i did not (?:catch|hear|get|understand) (?:that|it|you|what you said)|i missed (?:that|it)|tell me again|(?:can|could|would) you repeat(?: that| it)?|huh)(?:\s+(?:again|please|one more time))*$/i,
  },
  // volume and length: keywords, in short utterances only
  {
    intent: 'louder',
    re: /\b(?:louder|speak up|(?:turn|crank|bump|pump|put)\s+(?:\w+\s+){0,2}up|volume up|raise\s+(?:the\s+)?volume|increase\s+(?:the\s+)?volume|more volume|can not hear|cannot hear|can barely hear|too (?:quiet|soft)|up the volume|higher volume)\b/i,
    maxWords: 9,
  },
  {
    intent: 'quieter',
    re: /\b(?:quieter|softer|too loud|volume down|(?:turn|bring|put)\s+(?:\w+\s+){0,2}down|lower\s+(?:the\s+|your\s+)?(?:volume|voice)|decrease\s+(?:the\s+)?volume|reduce\s+(?:the\s+)?volume|less loud|not so loud|(?:speak|talk)\s+(?:more\s+)?(?:softly|quietly)|keep it down|shh+|hush|lower volume)\b/i,
    maxWords: 9,
  },
  {
    intent: 'shorter',
    re: /\b(?:shorter|briefer|be brief|keep it (?:short|brief)|less detail(?:s|ed)?|(?:too|so|way too) long|more concise|concise|fewer words|less words|short answers?|brief answers?|less (?:info|information)|do not ramble|get to the point|just the (?:name|basics|short version)|shorten|more brief|less wordy|too wordy|fewer details|too much detail|too many details|less talking|too much info(?:rmation)?)\b/i,
    maxWords: 9,
  },
  {
    intent: 'more-detail',
    re: /\b(?:more details?|more detailed|longer(?: answers?)?|tell me more|elaborate|more info(?:rmation)?|go into (?:more )?detail|in (?:more )?detail|expand on (?:that|it)|more verbose|detailed answers?|explain more|say more|more context|more depth|in depth|go deeper|more thorough|more complete)\b/i,
    maxWords: 9,
  },
  // this is X (, he/she <note>): last, it is the loosest
  {
    intent: 'enroll',
    re: /^(?:this is|that is|this here is|here is|meet|say hi to|say hello to|i would like you to meet|i want you to meet|please meet|let me introduce(?: you to)?|i am (?:talking|speaking) (?:to|with)|i am with|(?:his|her|their) name is|(?:this|that) (?:guy|man|woman|lady|girl|boy|person|gentleman) is|this person is|remember (?:this|that) (?:face|person|guy|woman) as|this one is|the name is|name is)\s+(.+)$/i,
    groups: ['rest'],
  },
];

// Politeness and framing around the question; stripped repeatedly before the rules.
const PREFIXES: RegExp[] = [
  /^(?:please|so|well|okay|ok|alright|all right|right|now|and|but|quick question|question|hey|hi|excuse me|sorry|listen|oh|just|quickly)\b\s*,?\s*/i,
  /^(?:can|could|would|will)\s+you(?:\s+please)?\s+(?=tell me|remind me|repeat|say|be|give|pair|connect|unpair|remember|note|forget|delete|turn|speak|talk|make|keep|go|explain|elaborate|identify|lower|raise)/i,
  /^(?:i\s+(?:want|would like|need|wanna|am trying|was trying)\s+to\s+(?:know\s+)?)/i,
  /^(?:do you know|do you remember|tell me|remind me|i wonder|i am wondering|i was wondering|any idea|do you have any idea|can you tell me|could you tell me|let me know|i forgot|i forget|i can not remember|i do not remember)\s+(?=(?:who|where|when|what|how|if|whether)\b)/i,
  /^(?:if|whether)\s+(?=(?:i|we)\s)/i,
];
const SUFFIXES = /\s*,?\s+(?:please|thanks|thank you|for me|right now|real quick|quickly|if you can|if you could|mnemo|nemo|then)$/i;

// Self-corrections: only what follows the last one counts ("who did I ... no wait, where did I meet José").
const CORRECTION = /^.*\b(?:no wait|wait no|i mean|scratch that|actually no|or rather|let me rephrase|sorry i mean)\b\s*,?\s*/i;

/** Strips framing words; never down to nothing ("okay" alone is a yes, "sorry" alone a "repeat that"). */
export function stripFraming(text: string): string {
  let s = text.replace(CORRECTION, '').trim() || text;
  for (let i = 0; i < 6; i++) {
    let next = s;
    for (const re of PREFIXES) next = next.replace(re, '');
    if (next.split(' ').length >= 2 || !SUFFIXES.test(next)) next = next.replace(SUFFIXES, '');
    next = next.replace(/^,\s*|\s*,$/g, '').trim();
    if (!next || next === s) break;
    s = next;
  }
  return s;
}

/** The first rule that matches, with raw slots; undefined when none does. */
export function matchRules(cleaned: string): RuleMatch | undefined {
  const framed = stripFraming(cleaned);
  const flat = framed.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
  const words = flat.split(' ').length;
  for (const rule of RULES) {
    if (rule.maxWords !== undefined && words > rule.maxWords) continue;
    // remember and enroll keep commas (they separate a name from a fact); the rest ignore them.
    const subject = rule.intent === 'remember' || rule.intent === 'enroll' ? framed : flat;
    const m = rule.re.exec(subject);
    if (!m) continue;
    const slots: Record<string, string> = {};
    rule.groups?.forEach((slot, i) => {
      const v = m[i + 1]?.trim();
      if (slot && v) slots[slot] = v;
    });
    return { intent: rule.intent, slots };
  }
  return undefined;
}

/** Words that stand for the person in view rather than a name. */
export const IN_VIEW_WORDS = new RegExp(`^(?:${IN_VIEW}|me and (?:him|her|them)|(?:him|her|them) and (?:i|me))$`, 'i');
