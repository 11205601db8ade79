import { expose } from 'comlink';
import { createAnalysisService } from '../src/worker-api/analysis-service';

expose(createAnalysisService());
