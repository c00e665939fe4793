// The renderer's entry: paint in the remembered theme at once, choose the carrier, mount the window.

import { mount } from 'svelte';
import '@xterm/xterm/css/xterm.css';
import App from './App.svelte';
import './app.css';
import { connect } from './lib/transport.ts';
import { apply, isThemePreference } from './lib/theme.svelte.ts';

function earlyTheme() {
  let pref: unknown = 'system';
  try {
    pref = localStorage.getItem('flotilla.theme');
  } catch {
    // fall back to the system's choice
  }
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  apply(isThemePreference(pref) && pref !== 'system' ? pref : dark ? 'dark' : 'light');
}

earlyTheme();
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { carrier: connect() } });
