// The two IPC channels between main and preload. Everything else is refused.
export const CALL_CHANNEL = 'flotilla:call';
export const EVENT_CHANNEL = 'flotilla:event';
