export { GlassesLink, type GlassesLinkEvents, type GlassesLinkOptions, type LinkStats } from './glasses-link.js';
export { parseGlassesScript, runGlassesScript, type ScriptStep } from './glasses-script.js';
export { type BrokerAccess, brokerAccess, brokerUrl, defaultConnect, type MqttConnect } from './mqtt-options.js';
export * from './topics.js';
export { type ReceivedStream, VirtualGlasses, type VirtualGlassesEvents, type VirtualGlassesOptions } from './virtual-glasses.js';
export { encodeWav } from './wav-file.js';
