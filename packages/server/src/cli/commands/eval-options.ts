import type { OptionSpec } from '../command-spec.js';

/** `raqib eval` options, declared once: parsing, `--help` and docs/cli.md read them. */
export const evalOptions = {
  dataset: {
    type: 'string',
    valueName: 'DIR',
    description:
      'Annotated dataset folder; the layout is told from its folders: ShanghaiTech DIR/images/IMG_n.jpg + ' +
      'DIR/ground-truth/GT_IMG_n.mat or .json (head points); or person boxes DIR/images/<name>.jpg + ' +
      'DIR/annotations_visdrone_orig/<name>.txt (VisDrone-DET x,y,w,h,score,category,...: categories 1-2 are ' +
      'people, 0 ignored regions) and/or DIR/labels/<name>.txt (YOLO cls cx cy w h, class 0 = person); the ' +
      'VisDrone file is preferred per image. Boxes count as one head each at (x + w/2, y + min(w,h)/2). When ' +
      'images/ holds subset folders (images/{train,val,test}), --split-subset picks one (default val). In ' +
      'ignored regions neither the predicted density (cells whose centre lies inside) nor any point counts',
  },
  format: { type: 'string', choices: ['table', 'json'], default: 'table', description: 'Output format' },
  limit: {
    type: 'number',
    valueName: 'N',
    description: 'Evaluate only the first N images (natural order: IMG_2 before IMG_10)',
  },
  split: {
    type: 'string',
    valueName: 'FILE',
    description:
      'Evaluate only the images a split file lists (e.g. training/val-split.json, a JSON list, or one name per line)',
  },
  'split-part': {
    type: 'string',
    valueName: 'PART',
    description: 'Part of the split file to use (e.g. A); default: from a part_X folder in --dataset',
  },
  'split-subset': {
    type: 'string',
    valueName: 'NAME',
    description:
      'Subset to evaluate: the subset folder of a dataset with images/{train,val,test} (e.g. --dataset ' +
      '../shared/datasets/VisDrone-person --split-subset test), and the list taken from the --split file; default val',
  },
  'image-scale': {
    type: 'number',
    default: 1,
    valueName: 'F',
    description:
      'Resize every image and its annotation by F before anything else, to simulate a higher (F < 1) or lower ' +
      'drone, e.g. 0.4 turns ShanghaiTech B heads into 4-10 px heads; head-size bands are measured after it',
  },
  scale: {
    type: 'string',
    valueName: 'FACTOR',
    description:
      'People scale the estimator applies, a number or auto (it resizes by this before the model and maps the results back; default 1); ' +
      "auto: from --gsd by the rule raqib analyze uses (1 while 0.2 m heads lie inside the model's trained " +
      'head sizes, else towards the nearest edge)',
  },
  gsd: {
    type: 'number',
    valueName: 'M_PER_PX',
    description:
      'Ground sampling distance of the dataset images as stored, metres per pixel (divided by --image-scale); ' +
      'implies --scale auto',
  },
  'by-size': {
    type: 'boolean',
    description:
      'Also report the error per head-size band (<4, 4-8, 8-16, 16-32, 32-64, >=64 px): each image goes to the ' +
      'band of the median head size of its annotated people (boxes: min(w,h)/2; head points: distance to the ' +
      'nearest other head, capped at 64 px), after --image-scale',
  },
  'by-view': {
    type: 'boolean',
    description:
      'Also report the error per camera view, nadir or oblique, for box annotations (VisDrone, YOLO): an image is ' +
      'oblique when the median height/width of its person boxes is >= 1.5 (standing people seen from the side), ' +
      'else nadir',
  },
  model: {
    type: 'string',
    valueName: 'PATH',
    description: 'Density model (ONNX); default: RAQIB_MODEL or models/raqib-density.onnx',
  },
  precision: {
    type: 'string',
    choices: ['auto', 'int8', 'fp32'],
    default: 'auto',
    description:
      'Model precision: auto = the int8 variant (X.int8.onnx beside the model) when it was quantised from exactly this model, else fp32',
  },
  threads: { type: 'number', valueName: 'N', description: 'Threads for the model runtime (default: 2)' },
} satisfies Record<string, OptionSpec>;
