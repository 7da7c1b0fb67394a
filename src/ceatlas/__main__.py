from ceatlas.cli import main

main()
