import { expose } from 'comlink';
import { createUnpackService } from '../src/worker-api/unpack-service';

expose(createUnpackService(self.location.href));
