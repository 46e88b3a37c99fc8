// "Now", given to what dates a learner's activity in their calendar, so a test moves time by
// handing the app its own clock (never a global mock).
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
