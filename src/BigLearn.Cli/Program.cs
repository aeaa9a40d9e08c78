return BigLearn.Cli.Cli.Run(args);
