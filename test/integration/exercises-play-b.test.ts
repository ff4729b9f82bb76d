// Exercises 5–8 played end to end (see exercises-play-a).
import { describePlays } from '../helpers/exercise-play';

await describePlays([5, 6, 7, 8]);
