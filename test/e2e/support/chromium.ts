/** How every browser test launches Debian's Chromium (never a downloaded build), in one place. */
import type { LaunchOptions } from '@playwright/test';

export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
  ],
};

/**
 * Chromium as users run it: Playwright turns the popup blocker off by default, so tests about popups that must open
 * inside a click (and about blocked ones) put it back.
 */
export const withPopupBlocker: LaunchOptions = {
  ...chromiumLaunchOptions,
  ignoreDefaultArgs: ['--disable-popup-blocking'],
};
