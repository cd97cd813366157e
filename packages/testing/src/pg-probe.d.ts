export declare function isSuperuser(url: string): Promise<boolean>;
