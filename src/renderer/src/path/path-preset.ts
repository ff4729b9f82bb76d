// A trace chosen elsewhere for the Path panel's form: a source from the
// topology's menu, or a source and a destination from an exercise's hint.
// A new object each time, so choosing the same again fills the form again.
export interface PathPreset {
  from: string;
  to: string | null;
}
