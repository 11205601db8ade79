import { expose } from 'comlink';
import { createDecodeService } from '../src/worker-api/decode-service';

expose(createDecodeService());
