Console.Error.WriteLine("biglearn: no command yet"); return 2;
