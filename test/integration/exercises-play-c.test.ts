// Exercises 9–13 (Services, NodePort, cluster DNS, hostPort, nftables mode) played end to end (see exercises-play-a).
import { describePlays } from '../helpers/exercise-play';

await describePlays([9, 10, 11, 12, 13]);
