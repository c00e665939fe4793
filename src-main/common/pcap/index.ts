// Capture files: classic pcap and pcapng, written and read byte-exact; readCapture tells them apart.
export * from './error.ts';
export * from './pcap.ts';
export * from './pcapng.ts';
export * from './detect.ts';
