// A clock the test sets by hand, given to the app (buildTestApp's `clock`) so "today" and "now"
// are what the test says, without mocking Date.
import type { Clock } from '../../src/clock.js';

export class TestClock implements Clock {
  private at: number;

  constructor(iso: string) {
    this.at = Date.parse(iso);
  }

  now(): Date {
    return new Date(this.at);
  }

  set(iso: string): void {
    this.at = Date.parse(iso);
  }

  /** Moves on by whole days (and optionally minutes). */
  advanceDays(days: number, minutes = 0): void {
    this.at += days * 86_400_000 + minutes * 60_000;
  }
}
