import { InMemoryDeliveryStore } from '../src';
import { describeDeliveryStoreContract } from '../src/testing';

describeDeliveryStoreContract('InMemoryDeliveryStore', () => new InMemoryDeliveryStore());
