// Every exercise is played end to end on a real lab (`podnet exercise play`):
// per step, the check before the solution (it must fail where the step asks
// for a change), the commands, the check after (it must pass). Exercises 1–4
// here, 5–8 in exercises-play-b (two files: both test workers).
import { describePlays } from '../helpers/exercise-play';

await describePlays([1, 2, 3, 4]);
